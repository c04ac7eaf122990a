declare module 'parse-prometheus-text-format' {
  /** Prometheus text exposition → metric families, in prom2json's shape. */
  export default function parsePrometheusTextFormat(text: string): unknown[];
}
