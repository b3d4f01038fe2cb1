"""Weak hashes (MD5, SHA-1) by what they protect: real (`security-use`) when they hash a
password, token, session id, key or signature; not real (`not-security`) for a cache key, an
ETag, a checksum, an avatar URL, a shard or with `usedforsecurity=False`.

Local names become v1, v2... in the question, so what the hash is for shows only in what
survives: the function's name, attribute names, called functions, dict keys. Each template says
which: `names` is the pool its function name comes from (a neutral one when the meaning is
elsewhere), and the neutral pool is the same for both labels.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from training.judgements.base import Family, Judgement, code, fill, finish, local_names

NEUTRAL = ("update", "handle", "process", "apply", "run", "step", "build", "make", "prepare", "on_event",
           "save_form", "create", "execute", "finalize", "task", "compute", "record", "store")


@dataclass(frozen=True)
class Purpose:
    text: str  # a template: $fn, $x, $a $b $c, $h (a weak hash), the sink's line marked
    names: tuple[str, ...] = NEUTRAL


def purpose(text: str, names: tuple[str, ...] = NEUTRAL) -> Purpose:
    return Purpose(code(text), names)


def purpose_family(name: str, kind: str, real: bool, held_out: str | None, templates: tuple[Purpose, ...]) -> Family:
    reason = "security-use" if real else "not-security"

    def draw(rng: random.Random) -> Judgement:
        chosen = rng.choice(templates)
        x = rng.choice(("value", "data", "item", "user", "payload", "obj", "arg", "text"))
        names = local_names(rng, taken=(x,)) | {"fn": rng.choice(chosen.names), "x": x,
                                                "h": rng.choice(("hashlib.md5", "hashlib.sha1", "md5", "sha1"))}
        source = rng.choice(("entry-point", "unproven"))
        return finish(rng, name, kind, real, reason, source, fill(chosen.text, names))

    return Family(name, kind, real, held_out, draw)


PASSWORD_ATTR = (
    purpose('''
        def $fn(self, $x):
            self.password_hash = $h($x.encode()).hexdigest()  #@sink
            self.save()
    '''),
    purpose('''
        def $fn($a, $x):
            $a.password = $h(($a.salt + $x).encode()).hexdigest()  #@sink
            db.session.commit()
    '''),
    purpose('''
        def $fn($a, $x):
            $a.api_key_digest = $h($x.encode()).hexdigest()  #@sink
            return $a
    '''),
)
SECRET_NAMED = ("hash_password", "make_reset_token", "issue_api_key", "sign_payload", "password_digest",
                "new_session_id", "sign_cookie", "make_csrf_token")
SECRET_FUNCTION = (
    purpose('''
        def $fn($x):
            return $h($x.encode()).hexdigest()  #@sink
    ''', SECRET_NAMED),
    purpose('''
        def $fn($x, $b):
            $a = f"{$b}:{$x}:{time.time()}"
            return $h($a.encode()).hexdigest()  #@sink
    ''', SECRET_NAMED),
    purpose('''
        def $fn($x):
            $a = $h()  #@sink
            $a.update(SECRET_KEY.encode())
            $a.update($x)
            return $a.hexdigest()
    '''),
)
SESSION_COOKIE = (
    purpose('''
        def $fn($x, $b):
            $a = $h(f"{$x.id}{time.time()}".encode()).hexdigest()  #@sink
            $b.set_cookie("sessionid", $a, httponly=True)
            return $b
    '''),
    purpose('''
        def $fn($x):
            $a = $h(($x.email + str(time.time())).encode()).hexdigest()  #@sink
            store_session($a, $x)
            return $a
    '''),
)
SECRET_KEY_IN_DICT = (
    purpose('''
        def $fn($x, $b):
            return {"username": $x, "password": $h($b.encode()).hexdigest()}  #@sink
    '''),
    purpose('''
        def $fn($x):
            $a = {"user": $x["user"]}
            $a["api_token"] = $h($x["token"].encode()).hexdigest()  #@sink
            return $a
    '''),
)
CREDENTIAL_COMPARE = (
    purpose('''
        def $fn($x, $b):
            if $h($b.encode()).hexdigest() == $x.password_digest:  #@sink
                login_user($x)
                return True
            return False
    '''),
    purpose('''
        def $fn($x, $b):
            $a = $h(SIGNING_SECRET + $x).hexdigest()  #@sink
            return hmac.compare_digest($a, $b)
    '''),
)
CACHE_KEY = (
    purpose('''
        def $fn(self, $x):
            $a = $h($x.encode()).hexdigest()  #@sink
            return self.cache.get($a)
    '''),
    purpose('''
        def $fn($x):
            return "page:" + $h(json.dumps($x, sort_keys=True).encode()).hexdigest()  #@sink
    ''', ("cache_key", "memo_key", "cache_key_for", "fragment_key")),
    purpose('''
        def $fn($x, $b):
            $a = $h(repr($x).encode()).hexdigest()  #@sink
            redis_cache.set($a, $b, ex=300)
    '''),
    purpose('''
        def $fn($x, *$b):
            $a = $h(":".join(map(str, $b)).encode()).hexdigest()  #@sink
            return f"{$x}:{$a}"
    ''', ("make_cache_key", "cache_key_for", "memo_key")),
)
ETAG = (
    purpose('''
        def $fn($x):
            $a = make_response($x)
            $a.headers["ETag"] = $h($x.encode()).hexdigest()  #@sink
            return $a
    '''),
    purpose('''
        def $fn($x):
            return '"%s"' % $h($x).hexdigest()  #@sink
    ''', ("etag_for", "compute_etag", "weak_etag")),
)
CHECKSUM = (
    purpose('''
        def $fn($x):
            $a = $h()  #@sink
            with open($x, "rb") as $b:
                for $c in iter(lambda: $b.read(8192), b""):
                    $a.update($c)
            return $a.hexdigest()
    ''', ("file_checksum", "content_fingerprint", "dedupe_key")),
    purpose('''
        def $fn($x):
            $a = $h($x.read()).hexdigest()  #@sink
            if $a in seen_checksums:
                return None
            seen_checksums.add($a)
            return $a
    '''),
)
NOT_FOR_SECURITY = (
    purpose('''
        def $fn($x):
            return hashlib.md5($x.encode(), usedforsecurity=False).hexdigest()  #@sink
    '''),
    purpose('''
        def $fn($x):
            $a = hashlib.sha1(usedforsecurity=False)  #@sink
            $a.update($x)
            return $a.hexdigest()[:12]
    '''),
)
AVATAR_OR_SHARD = (
    purpose('''
        def $fn($x):
            $a = $h($x.strip().lower().encode()).hexdigest()  #@sink
            return f"https://www.gravatar.com/avatar/{$a}?s=80"
    '''),
    purpose('''
        def $fn($x, $b=16):
            return int($h($x.encode()).hexdigest(), 16) % $b  #@sink
    ''', ("shard_for", "bucket_of", "partition")),
    purpose('''
        def $fn($x):
            $a = int($h(str($x.id).encode()).hexdigest()[:8], 16)  #@sink
            return EXPERIMENT_ARMS[$a % len(EXPERIMENT_ARMS)]
    '''),
)

FAMILIES = (
    purpose_family("hash-password-attribute", "weak-hash", True, None, PASSWORD_ATTR),
    purpose_family("hash-secret-function", "weak-hash", True, None, SECRET_FUNCTION),
    purpose_family("hash-session-cookie", "weak-hash", True, None, SESSION_COOKIE),
    purpose_family("hash-cache-key", "weak-hash", False, None, CACHE_KEY),
    purpose_family("hash-etag", "weak-hash", False, None, ETAG),
    purpose_family("hash-file-checksum", "weak-hash", False, None, CHECKSUM),
    purpose_family("hash-secret-dict-key", "weak-hash", True, "validation", SECRET_KEY_IN_DICT),
    purpose_family("hash-not-for-security", "weak-hash", False, "validation", NOT_FOR_SECURITY),
    purpose_family("hash-credential-compare", "weak-hash", True, "test", CREDENTIAL_COMPARE),
    purpose_family("hash-avatar-or-shard", "weak-hash", False, "test", AVATAR_OR_SHARD),
)
