"""The index on an OpenSearch cluster: the client (client), the mapping and each document's source
(mapping), and the build's target: concrete indices per generation behind an alias (target)."""
