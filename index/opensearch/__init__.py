"""The index on an OpenSearch cluster: the client (client), the mapping and each document's source
(mapping), and the build's target: concrete indices per generation behind an alias (target)."""


class TargetError(RuntimeError):
    """The cluster could not be reached or refused what the build sent; the alias did not move.
    Here, not in `target`, so that a Whoosh build need not import the OpenSearch client."""


def concrete_index(alias: str, generation: str) -> str:
    """The cluster index that holds a generation under `alias`."""
    return f"{alias}-{generation.lower()}"
