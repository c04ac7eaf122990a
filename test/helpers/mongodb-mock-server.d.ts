// Types for the parts of mongodb-mock-server (maintained with the MongoDB driver, untyped) the tests use.
declare module 'mongodb-mock-server' {
  interface MockRequest {
    readonly document: Record<string, unknown>;
    /** The wire message; `ns` is `<database>.$cmd` for commands. */
    readonly response: {readonly ns: string};
    readonly connection: {destroy(): void};
    reply(document: Record<string, unknown>): void;
  }
  interface MockServer {
    readonly port: number;
    setMessageHandler(handler: (request: MockRequest) => void): void;
    destroy(): Promise<void>;
  }
  const mock: {
    createServer(port: number, host: string): Promise<MockServer>;
    cleanup(): Promise<void>;
    readonly DEFAULT_ISMASTER: Record<string, unknown>;
  };
  export default mock;
}
