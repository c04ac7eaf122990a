/** Kubernetes' `$(VAR)` references in a container's command and args, replaced from `vars`. */
export function expandKubernetesVars(args: readonly string[], vars: Readonly<Record<string, string>>): string[] {
  return args.map((arg) =>
    arg.replace(/\$\$|\$\(([A-Za-z_][\w.-]*)\)/g, (_match, name: string | undefined) => {
      if (name === undefined) return '$';
      const value = vars[name];
      if (value === undefined) throw new Error(`no value for $(${name}) in ${JSON.stringify(args)}`);
      return value;
    }),
  );
}
