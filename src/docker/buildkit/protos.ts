import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';

/**
 * The gRPC services a build session serves and the status message the engine streams, as protobuf source. They
 * live in the bundle as text, so nothing is looked up on disk at run time (a .vsix keeps only what it is told to).
 * Field names and numbers are BuildKit's wire contract; a message keeps only the fields Dockside reads (protobuf
 * skips the others).
 */
const SESSION_PROTOS = `
syntax = "proto3";
package grpc.health.v1;
message HealthCheckRequest { string service = 1; }
message HealthCheckResponse { int32 status = 1; }
service Health { rpc Check(HealthCheckRequest) returns (HealthCheckResponse); }
`;

const AUTH_PROTO = `
syntax = "proto3";
package moby.filesync.v1;
message CredentialsRequest { string Host = 1; }
message CredentialsResponse { string Username = 1; string Secret = 2; }
service Auth { rpc Credentials(CredentialsRequest) returns (CredentialsResponse); }
`;

const SECRETS_PROTO = `
syntax = "proto3";
package moby.buildkit.secrets.v1;
message GetSecretRequest { string ID = 1; map<string, string> annotations = 2; }
message GetSecretResponse { bytes data = 1; }
service Secrets { rpc GetSecret(GetSecretRequest) returns (GetSecretResponse); }
`;

const SSH_PROTO = `
syntax = "proto3";
package moby.sshforward.v1;
message BytesMessage { bytes data = 1; }
message CheckAgentRequest { string ID = 1; }
message CheckAgentResponse {}
service SSH {
  rpc CheckAgent(CheckAgentRequest) returns (CheckAgentResponse);
  rpc ForwardAgent(stream BytesMessage) returns (stream BytesMessage);
}
`;

const STATUS_PROTO = `
syntax = "proto3";
package moby.buildkit.v1;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message Position { int32 line = 1; int32 character = 2; }
message Range { Position start = 1; Position end = 2; }
message SourceInfo { string filename = 1; bytes data = 2; }
message Vertex {
  string digest = 1; repeated string inputs = 2; string name = 3; bool cached = 4;
  Timestamp started = 5; Timestamp completed = 6; string error = 7;
}
message VertexStatus {
  string ID = 1; string vertex = 2; string name = 3; int64 current = 4; int64 total = 5;
  Timestamp timestamp = 6; Timestamp started = 7; Timestamp completed = 8;
}
message VertexLog { string vertex = 1; Timestamp timestamp = 2; int64 stream = 3; bytes msg = 4; }
message VertexWarning {
  string vertex = 1; int64 level = 2; bytes short = 3; repeated bytes detail = 4; string url = 5;
  SourceInfo info = 6; repeated Range ranges = 7;
}
message StatusResponse {
  repeated Vertex vertexes = 1; repeated VertexStatus statuses = 2; repeated VertexLog logs = 3;
  repeated VertexWarning warnings = 4;
}
`;

/** The gRPC method paths a session serves, keyed by what they are for. */
export const METHODS = {
  health: '/grpc.health.v1.Health/Check',
  credentials: '/moby.filesync.v1.Auth/Credentials',
  secret: '/moby.buildkit.secrets.v1.Secrets/GetSecret',
  checkAgent: '/moby.sshforward.v1.SSH/CheckAgent',
  forwardAgent: '/moby.sshforward.v1.SSH/ForwardAgent',
} as const;

let services: protoLoader.PackageDefinition | undefined;

/** grpc-js service definitions for the session's services, parsed once. */
export function sessionServices(): protoLoader.PackageDefinition {
  if (!services) {
    services = {};
    for (const text of [SESSION_PROTOS, AUTH_PROTO, SECRETS_PROTO, SSH_PROTO]) {
      const { root } = protobuf.parse(text, { keepCase: true });
      Object.assign(services, protoLoader.fromJSON(root.toJSON(), { keepCase: true, longs: Number, defaults: true }));
    }
  }
  return services;
}

let statusType: protobuf.Type | undefined;

/** BuildKit's StatusResponse, which the engine sends base64-encoded in `moby.buildkit.trace` messages. */
export function statusResponseType(): protobuf.Type {
  statusType ??= protobuf.parse(STATUS_PROTO, { keepCase: true }).root.lookupType('moby.buildkit.v1.StatusResponse');
  return statusType;
}
