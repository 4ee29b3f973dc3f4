"""Who else has a thread open, and who is writing a reply on it: collision detection.

Each open conversation pings every few seconds; an entry lives in Redis for PRESENCE_TTL
seconds after its last ping (a sorted set scored by expiry time, plus a hash with the name and
what the person is doing), so closed tabs disappear by themselves.
"""

import json
import time
from dataclasses import dataclass
from functools import cache

import redis
from django.conf import settings

PRESENCE_TTL = 30
REPLYING_TTL = 20  # "is replying" lasts this long after the last keystroke saved

VIEWING = "viewing"
REPLYING = "replying"


@dataclass(frozen=True)
class Presence:
    user_id: int
    name: str
    state: str  # VIEWING or REPLYING


@cache
def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)


def _keys(thread_id: int) -> tuple[str, str]:
    return f"helpdesk:presence:{thread_id}", f"helpdesk:presence:{thread_id}:who"


def touch(thread_id: int, user_id: int, name: str, state: str = VIEWING) -> None:
    """Record that the user has the thread open (VIEWING) or is typing a reply (REPLYING)."""
    now = time.time()
    expiry, who = _keys(thread_id)
    client = _client()
    previous = client.hget(who, str(user_id))
    replying_until = 0.0
    if previous:
        replying_until = json.loads(previous).get("replying_until", 0.0)
    if state == REPLYING:
        replying_until = now + REPLYING_TTL
    entry = json.dumps({"name": name, "replying_until": replying_until})
    with client.pipeline() as pipe:
        pipe.zadd(expiry, {str(user_id): now + PRESENCE_TTL})
        pipe.hset(who, str(user_id), entry)
        pipe.expire(expiry, PRESENCE_TTL * 2)
        pipe.expire(who, PRESENCE_TTL * 2)
        pipe.execute()


def leave(thread_id: int, user_id: int) -> None:
    expiry, who = _keys(thread_id)
    with _client().pipeline() as pipe:
        pipe.zrem(expiry, str(user_id))
        pipe.hdel(who, str(user_id))
        pipe.execute()


def others(thread_id: int, user_id: int) -> list[Presence]:
    """Everyone but `user_id` who has the thread open now, those replying first."""
    now = time.time()
    expiry, who = _keys(thread_id)
    client = _client()
    ids = [i.decode() for i in client.zrangebyscore(expiry, now, "+inf")]
    ids = [i for i in ids if i != str(user_id)]
    if not ids:
        return []
    people = []
    for user, raw in zip(ids, client.hmget(who, ids), strict=True):
        if raw is None:
            continue
        entry = json.loads(raw)
        state = REPLYING if entry.get("replying_until", 0) > now else VIEWING
        people.append(Presence(int(user), entry.get("name", ""), state))
    return sorted(people, key=lambda p: (p.state != REPLYING, p.name))
