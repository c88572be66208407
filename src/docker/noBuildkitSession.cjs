// Stand-in for dockerode's lib/session.js (BuildKit sessions over gRPC) in Dockside's bundle: Dockside does not use
// BuildKit sessions (buildImage with version "2"), and the gRPC stack would add about 0.5 MB to every install.
module.exports = function withSession(_docker, _auth, handler) {
  handler(new Error('BuildKit sessions (buildImage with version "2") are not part of Dockside\'s bundle.'));
};
