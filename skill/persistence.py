"""Where the skill keeps each user's attributes: SQLite on one machine, DynamoDB on Lambda."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope


def user_key(request_envelope: RequestEnvelope) -> str:
    try:
        return request_envelope.context.system.user.user_id
    except AttributeError:
        raise PersistenceException("the request carries no user id") from None


class SqliteAdapter(AbstractPersistenceAdapter):
    """ask-sdk's persistence contract on a SQLite file (`STRETCH_COACH_DB`): one JSON row per user."""

    def __init__(self, path: str | Path):
        import sqlite3  # here, not at import: on Lambda the store is DynamoDB

        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._connection = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute("PRAGMA synchronous=NORMAL")
            self._connection.execute("CREATE TABLE IF NOT EXISTS attributes (user_id TEXT PRIMARY KEY, data TEXT NOT NULL)")

    def get_attributes(self, request_envelope):
        with self._lock:
            row = self._connection.execute("SELECT data FROM attributes WHERE user_id = ?",
                                           (user_key(request_envelope),)).fetchone()
        return json.loads(row[0]) if row else {}

    def save_attributes(self, request_envelope, attributes):
        with self._lock:
            self._connection.execute("INSERT INTO attributes (user_id, data) VALUES (?, ?) "
                                     "ON CONFLICT(user_id) DO UPDATE SET data = excluded.data",
                                     (user_key(request_envelope), json.dumps(attributes)))

    def delete_attributes(self, request_envelope):
        with self._lock:
            self._connection.execute("DELETE FROM attributes WHERE user_id = ?", (user_key(request_envelope),))


class LazyDynamoDbAdapter(AbstractPersistenceAdapter):
    """ask-sdk's DynamoDB adapter, built on first use: importing it creates a boto3 resource, which
    would slow every cold start and fail where no AWS region is configured."""

    def __init__(self, table_name: str, resource_factory=None):
        self.table_name = table_name
        self._resource_factory = resource_factory
        self._adapter = None
        self._lock = threading.Lock()

    def adapter(self):
        with self._lock:
            if self._adapter is None:
                import boto3
                from ask_sdk_dynamodb.adapter import DynamoDbAdapter

                resource = self._resource_factory() if self._resource_factory else boto3.resource("dynamodb")
                self._adapter = DynamoDbAdapter(table_name=self.table_name, dynamodb_resource=resource,
                                                partition_keygen=user_key)
            return self._adapter

    def get_attributes(self, request_envelope):
        return self.adapter().get_attributes(request_envelope)

    def save_attributes(self, request_envelope, attributes):
        self.adapter().save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope):
        self.adapter().delete_attributes(request_envelope)
