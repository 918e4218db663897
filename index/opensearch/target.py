"""A build's target on OpenSearch: each generation is a concrete index `<alias>-<generation>`,
filled in bulk and made live by moving the alias in one `_aliases` call; the previous generations'
indices are kept for rollback. An incremental build clones the live index (Lucene's files, hard-
linked where the nodes can) and sends only what changed. Each generation's build report is a
document of `<alias>-builds`.
"""

from __future__ import annotations

import logging

from opensearchpy import OpenSearch, helpers
from opensearchpy.exceptions import ConnectionError as ClusterUnreachable
from opensearchpy.exceptions import TransportError

from index.documents import CleanDocument
from index.opensearch import TargetError, concrete_index
from index.opensearch.client import alias_index, connect, describe
from index.opensearch.mapping import COLLAPSE_KEY, DUPLICATE_GROUP, SEQUENCE, index_body, source
from index.settings import Settings

log = logging.getLogger(__name__)

BULK_DOCUMENTS = 500  # documents per bulk request
BULK_BYTES = 10 * 2**20
BULK_RETRIES = 8  # a document the cluster refuses with 429 (too busy) is sent again, after waiting longer each time
BUILDS_MAPPING = {
    "dynamic": "strict",
    "properties": {"index": {"type": "keyword"}, "next_seq": {"type": "long"}, "report": {"type": "object", "enabled": False}},
}


def builds_index(alias: str) -> str:
    return f"{alias}-builds"


class OpenSearchTarget:
    def __init__(self, settings: Settings, client: OpenSearch | None = None) -> None:
        self.client = client or connect(settings)
        self.alias = settings.opensearch_index
        self.shards, self.replicas = settings.opensearch_shards, settings.opensearch_replicas
        self.where = describe(settings)

    def _fail(self, doing: str, exc: Exception) -> TargetError:
        if isinstance(exc, ClusterUnreachable):
            return TargetError(f"could not reach the OpenSearch cluster at {self.where} while {doing}: {exc}; the alias stays where it was")
        return TargetError(f"OpenSearch refused {doing}: {exc}; the alias stays where it was")

    def check(self) -> None:
        """Fail before anything is done when the cluster cannot be reached or the alias is taken."""
        try:
            self.client.cluster.health()
            taken = self.client.indices.exists(index=self.alias) and not self.client.indices.exists_alias(name=self.alias)
        except TransportError as exc:
            raise self._fail("asking for its health", exc) from None
        if taken:
            raise TargetError(f"{self.alias!r} is an index on the cluster, not an alias; name another with NEWSFACET_OPENSEARCH_INDEX")

    def live(self) -> str | None:
        """The concrete index the alias points at."""
        return alias_index(self.client, self.alias)

    def open(self, generation: str, incremental: bool, stale: list[str]) -> BulkWriter:
        """A writer into the generation's new index: a clone of the live one whose `stale`
        documents are deleted first when `incremental`, else an empty one."""
        name = concrete_index(self.alias, generation)
        live = self.live() if incremental else None
        next_seq = 0
        try:
            if live:
                self.client.indices.put_settings(index=live, body={"index.blocks.write": True})  # never written again
                body = {"settings": {"index.blocks.write": False, "index.number_of_replicas": self.replicas}}
                self.client.indices.clone(index=live, target=name, body=body, wait_for_active_shards=1)
                next_seq = self._next_seq(live)
            else:
                stale = []
                self.client.indices.create(index=name, body=index_body(self.shards, self.replicas), wait_for_active_shards=1)
        except TransportError as exc:
            raise self._fail(f"making the index {name}", exc) from None
        return BulkWriter(self, name, next_seq, stale, cloned=bool(live))

    def _next_seq(self, index: str) -> int:
        hits = self.client.search(index=builds_index(self.alias), body={"query": {"term": {"index": index}}, "size": 1})["hits"]["hits"]
        return hits[0]["_source"]["next_seq"] if hits else 0

    def publish(
        self, generation: str, writer: BulkWriter, report: dict, ids: set[str], groups: list[list[str]], previous: list[list[str]]
    ) -> None:
        """Mark the near-duplicate groups (`previous`: the live generation's, which a clone carries),
        check the index holds every document of the report (`ids`), keep the report, and move the
        alias to the index in one call. Any failure leaves the alias where it was."""
        name = writer.index
        new, old = _group_keys(groups), _group_keys(previous if writer.cloned else [])
        changed = [doc_id for doc_id in new.keys() | old.keys() if new.get(doc_id) != old.get(doc_id) and doc_id in ids]
        for doc_id in changed:
            key = new.get(doc_id)
            writer.actions.append(
                {"_op_type": "update", "_index": name, "_id": doc_id, "doc": {DUPLICATE_GROUP: key, COLLAPSE_KEY: key or doc_id}}
            )
        writer.commit()
        try:
            self.client.indices.refresh(index=name)
            count = self.client.count(index=name)["count"]
            if count != report["documents"]:
                raise TargetError(f"the new index {name} holds {count} documents where the build made {report['documents']}; the alias stays where it was")
            health = self.client.cluster.health(index=name, wait_for_status="yellow")  # its primaries placed (the server waits 30 s)
            if health.get("timed_out"):
                raise TargetError(f"the new index {name} is {health['status']}: its primary shards could not be placed; the alias stays where it was")
            builds = builds_index(self.alias)
            if not self.client.indices.exists(index=builds):
                self.client.indices.create(index=builds, body={"mappings": BUILDS_MAPPING}, ignore=400)
            record = {"index": name, "next_seq": writer.seq, "report": report}
            self.client.index(index=builds, id=generation.lower(), body=record, refresh=True)
            self._point_alias(name)
        except TransportError as exc:
            raise self._fail(f"making {name} live", exc) from None

    def _point_alias(self, name: str) -> None:
        live = self.live()
        actions = ([{"remove": {"index": live, "alias": self.alias}}] if live and live != name else []) + [
            {"add": {"index": name, "alias": self.alias}}
        ]
        self.client.indices.update_aliases(body={"actions": actions})

    def rollback(self, generation: str) -> None:
        name = concrete_index(self.alias, generation)
        try:
            if not self.client.indices.exists(index=name):
                raise TargetError(f"the index {name} of generation {generation} is no longer on the cluster")
            self._point_alias(name)
        except TransportError as exc:
            raise self._fail(f"moving the alias to {name}", exc) from None

    def discard(self, generation: str) -> None:
        """Delete what a failed build made (the live index is never it)."""
        name = concrete_index(self.alias, generation)
        try:
            if name != self.live():
                self.client.indices.delete(index=name, ignore=404)
        except TransportError:
            log.warning("could not delete %s on the cluster; the next build deletes it", name, exc_info=True)

    def prune(self, keep: set[str]) -> None:
        """Delete the generation indices (and their reports) of generations not in `keep`, never the live one."""
        wanted = {concrete_index(self.alias, g) for g in keep} | {self.live()}
        try:
            found = self.client.indices.get(index=f"{self.alias}-g*", expand_wildcards="open,closed", ignore=404)
            for name in found if "error" not in found else []:
                if name not in wanted:
                    self.client.indices.delete(index=name, ignore=404)
                    self.client.delete(index=builds_index(self.alias), id=name[len(self.alias) + 1 :], ignore=404)
        except TransportError:
            log.warning("could not delete old generations on the cluster; the next build tries again", exc_info=True)


def _group_keys(groups: list[list[str]]) -> dict[str, str]:
    """Each grouped document's group key: the group's smallest id."""
    return {doc_id: min(group) for group in groups for doc_id in group}


class BulkWriter:
    """Documents to one index, sent in bulk; deleted documents first. Every refused item is
    counted, and commit() fails the build when any was."""

    def __init__(self, target: OpenSearchTarget, index: str, seq: int, stale: list[str], cloned: bool) -> None:
        self.target, self.index, self.seq, self.cloned = target, index, seq, cloned
        self.actions: list[dict] = [{"_op_type": "delete", "_index": index, "_id": doc_id} for doc_id in stale]
        self.failed: list[str] = []
        self.sent = 0

    def add(self, doc: CleanDocument, body: dict | None = None) -> None:
        """Send `doc`; `body`: its source, when the build made it already (in a worker process)."""
        body = (body or source(doc)) | {SEQUENCE: self.seq}
        self.actions.append({"_op_type": "index", "_index": self.index, "_id": doc.id, "_source": body})
        self.seq += 1
        if len(self.actions) >= BULK_DOCUMENTS:
            self.flush()

    def flush(self) -> None:
        actions, self.actions = self.actions, []
        if not actions:
            return
        try:
            results = helpers.streaming_bulk(
                self.target.client, actions, chunk_size=BULK_DOCUMENTS, max_chunk_bytes=BULK_BYTES, max_retries=BULK_RETRIES,
                initial_backoff=0.5, max_backoff=30, raise_on_error=False,
            )
            for ok, item in results:
                self.sent += 1
                if ok:
                    continue
                operation, outcome = next(iter(item.items()))
                if operation == "delete" and outcome.get("status") == 404:
                    continue  # already gone
                self.failed.append(f"{operation} {outcome.get('_id')}: {outcome.get('error')}")
        except TransportError as exc:
            raise self.target._fail(f"documents sent to {self.index}", exc) from None

    def commit(self) -> None:
        self.flush()
        if self.failed:
            raise TargetError(
                f"OpenSearch refused {len(self.failed)} of {self.sent} bulk items for {self.index} (first: {self.failed[0]}); "
                "the alias stays where it was"
            )

    def cancel(self) -> None:
        self.actions = []
