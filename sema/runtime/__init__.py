"""The runtime: the builtin registry, global namespaces, tail calls and error translation."""
