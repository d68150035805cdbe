/** DI tokens of the ports; services inject these, never an adapter class. */
export const EVENT_LOG = Symbol('EventLog');
export const OBJECT_STORE = Symbol('ObjectStore');
export const SERVICE_CONFIG = Symbol('ServiceConfig');
export const SERVICE_NAME = Symbol('ServiceName');
