"""More weak-hash families (crypto.py's pattern): what the MD5/SHA-1 digest is for shows in
called functions, attributes and global names. Real (`security-use`): a signature, an emailed
link token, a cipher key, a stored password (also when iterated), a one-time code. Not real
(`not-security`): a static asset's fingerprint, a shortened identifier, a log correlation id, a
memoising decorator's key, a stable record id.

Deliberately absent (held-out idioms): secrets under dict keys, `usedforsecurity=False`,
comparing a digest with a stored one, avatar URLs, shard or bucket arithmetic.
"""

from __future__ import annotations

from training.judgements.crypto import purpose, purpose_family

SIGNED = (
    purpose('''
        def $fn($x, $b):
            $a = $h(f"{$x}:{$b}:{SECRET_KEY}".encode()).hexdigest()  #@sink
            return url_for("download", path=$x, expires=$b, sig=$a)
    '''),
    purpose('''
        def $fn(self, $x):
            $a = json.dumps($x, sort_keys=True)
            $b = $h((self.secret + $a).encode()).hexdigest()  #@sink
            self.session.post(self.url, data=$a, headers={"X-Signature": $b})
    '''),
    purpose('''
        def $fn($x, $b):
            $c = base64.urlsafe_b64encode($b.encode()).decode()
            $a = $h(($c + settings.SECRET_KEY).encode()).hexdigest()  #@sink
            $x.set_cookie("remember", f"{$c}.{$a}", httponly=True)
            return $x
    '''),
    purpose('''
        def $fn($x):
            $a = "&".join(f"{k}={v}" for k, v in sorted($x.items()))
            return $a + "&sign=" + $h(($a + APP_SECRET).encode()).hexdigest()  #@sink
    ''', ("signed_query", "sign_params", "sign_request")),
)
EMAILED_LINK = (
    purpose('''
        def $fn($x):
            $a = $h(f"{$x.email}{$x.last_login}".encode()).hexdigest()  #@sink
            send_mail($x.email, url_for("reset_password", token=$a, _external=True))
    '''),
    purpose('''
        def $fn($x):
            $a = $h(($x.email + str(datetime.utcnow())).encode())  #@sink
            PasswordReset.objects.create(user=$x, token=$a.hexdigest())
            notify($x, "reset", link=f"{SITE_URL}/reset/{$a.hexdigest()}")
    '''),
    purpose('''
        def $fn(self, $x):
            $b = $h(str($x.pk).encode() + self.salt).hexdigest()  #@sink
            self.mailer.send_verification($x.email, confirm_url=f"{self.base}/confirm/{$b}")
            return $b
    '''),
)
CIPHER_KEY = (
    purpose('''
        def $fn($x, $b):
            $a = $h($x.encode()).digest()  #@sink
            return AES.new($a, AES.MODE_CBC, iv=$b)
    '''),
    purpose('''
        def $fn($x):
            $a = $h($x.encode()).hexdigest()[:32]  #@sink
            return Fernet(base64.urlsafe_b64encode($a.encode()))
    '''),
    purpose('''
        def $fn(self, $x, $b):
            $a = $h(self.passphrase.encode()).digest()  #@sink
            with open($b, "wb") as $c:
                $c.write(encrypt_bytes($a, $x))
    '''),
)
PASSWORD_STORED = (
    purpose('''
        def $fn($x, $b):
            update_password($x.id, $h($b.encode()).hexdigest())  #@sink
            invalidate_sessions($x.id)
    '''),
    purpose('''
        def $fn(self, $x, $b):
            $a = $h(f"{PASSWORD_PEPPER}{$b}".encode())  #@sink
            self.repo.set_password_hash($x, $a.hexdigest())
    '''),
    purpose('''
        @staticmethod
        def $fn($x, $b):
            return User.create($x, password_hash=$h($b.encode("utf-8")).hexdigest())  #@sink
    '''),
    purpose('''
        def $fn($x):
            $a = getpass.getpass()
            credentials.put($x, $h($a.encode()).hexdigest())  #@sink
    '''),
)
# "Key stretching" with a weak hash: many rounds do not make MD5/SHA-1 a password hash.
ITERATED = (
    purpose('''
        def $fn($x, $b):
            $a = ($b + $x).encode()
            for _ in range(10000):
                $a = $h($a).digest()  #@sink
            return $a.hex()
    ''', ("hash_password", "stretch_password", "password_digest", "derive_password_hash")),
    purpose('''
        def $fn(self, $x):
            $a = $x.encode()
            $c = 0
            while $c < self.rounds:
                $a = $h(self.salt + $a).digest()  #@sink
                $c += 1
            self.password = $a.hex()
    '''),
    purpose('''
        def $fn($x, $b):
            $a = functools.reduce(lambda acc, _: $h(acc).digest(), range(5000), $x.encode())  #@sink
            $b.password_hash = $a.hex()
            $b.save(update_fields=["password_hash"])
    '''),
)
ONE_TIME_CODE = (
    purpose('''
        def $fn($x):
            $a = $h(f"{$x.id}{time.time()}".encode()).hexdigest()[:6].upper()  #@sink
            cache.set(f"otp:{$x.id}", $a, timeout=300)
            send_sms($x.phone, $a)
    '''),
    purpose('''
        def $fn(self, $x):
            $a = $h((str($x) + str(time.time_ns())).encode()).hexdigest()  #@sink
            self.verification_code = $a[-8:]
            self.save()
    '''),
    purpose('''
        def $fn($x):
            return $h(f"{$x}-{datetime.now():%Y%m%d%H%M}".encode()).hexdigest()[:8]  #@sink
    ''', ("login_code", "two_factor_code", "mfa_code", "magic_link_code")),
)
ASSET_FINGERPRINT = (
    purpose('''
        def $fn($x):
            $a = Path($x).read_bytes()
            $b = $h($a).hexdigest()[:10]  #@sink
            return f"{Path($x).stem}.{$b}{Path($x).suffix}"
    ''', ("hashed_name", "fingerprint_asset", "versioned_filename", "cache_busted")),
    purpose('''
        def $fn(self, $x, $b):
            $a = $h($b).hexdigest()[:12]  #@sink
            return self.STATIC_URL + $x + "?v=" + $a
    '''),
    purpose('''
        def $fn($x):
            $a = $h()  #@sink
            for $b in sorted($x.glob("*.css")):
                $a.update($b.read_bytes())
            return f"bundle.{$a.hexdigest()[:8]}.css"
    '''),
)
# Shortening a long database or file identifier to fit a length limit (as Django does).
SHORT_IDENTIFIER = (
    purpose('''
        def $fn($x, $b=63):
            if len($x) <= $b:
                return $x
            return $x[:$b - 9] + "_" + $h($x.encode()).hexdigest()[:8]  #@sink
    ''', ("truncate_name", "index_name", "short_identifier", "constraint_name")),
    purpose('''
        def $fn(self, $x, *$b):
            $a = $h()  #@sink
            for $c in $b:
                $a.update($c.encode())
            return "%s_%s_idx" % ($x[:20], $a.hexdigest()[:8])
    '''),
    purpose('''
        def $fn($x):
            $a = re.sub(r"[^a-z0-9]+", "-", $x.lower()).strip("-")
            return $a if len($a) < 50 else $a[:40] + $h($a.encode()).hexdigest()[:8]  #@sink
    ''', ("slug_for", "make_slug", "filename_stub")),
)
CORRELATION_ID = (
    purpose('''
        def $fn($x):
            $a = $h(f"{time.time()}{$x.path}".encode()).hexdigest()[:12]  #@sink
            logger.info("request %s %s", $a, $x.path)
            g.request_id = $a
    '''),
    purpose('''
        def $fn(self, $x):
            self.trace_id = $h(repr(($x, os.getpid(), time.monotonic())).encode()).hexdigest()  #@sink
            structlog.contextvars.bind_contextvars(trace_id=self.trace_id)
    '''),
    purpose('''
        def $fn($x, $b):
            $a = $h($b.encode()).hexdigest()[:16]  #@sink
            return logging.LoggerAdapter($x, {"span": $a})
    '''),
)
MEMO_DECORATOR = (
    purpose('''
        def $fn($x):
            @functools.wraps($x)
            def wrapper(*args, **kwargs):
                $a = $h(pickle.dumps((args, sorted(kwargs.items())))).hexdigest()  #@sink
                if $a not in _memo:
                    _memo[$a] = $x(*args, **kwargs)
                return _memo[$a]
            return wrapper
    ''', ("memoize", "cached", "disk_cache", "memoized")),
    purpose('''
        def $fn(self, $x, *args):
            $a = $h(("%s:%r" % ($x.__qualname__, args)).encode()).hexdigest()  #@sink
            $b = self.store / $a
            if not $b.exists():
                $b.write_bytes(pickle.dumps($x(*args)))
            return pickle.loads($b.read_bytes())
    '''),
    purpose('''
        def $fn($x, $b):
            $a = $h(inspect.getsource($x).encode() + repr($b).encode()).hexdigest()  #@sink
            return joblib_memory.cache_path / $x.__name__ / $a
    '''),
)
STABLE_ID = (
    purpose('''
        def $fn($x):
            return uuid.UUID($h($x.encode()).hexdigest()[:32])  #@sink
    ''', ("stable_uuid", "record_id", "id_for_name", "deterministic_id")),
    purpose('''
        def $fn(self, $x):
            $a = "|".join([$x.source, $x.external_id, $x.kind])
            self.doc_id = $h($a.encode()).hexdigest()  #@sink
            self.index.upsert(self.doc_id, $x.as_dict())
    '''),
    purpose('''
        def $fn($x):
            $a = []
            for $b in $x:
                $a.append(($h($b["url"].encode()).hexdigest(), $b))  #@sink
            return sorted($a)
    '''),
)

FAMILIES = (
    purpose_family("hash-signature-made", "weak-hash", True, None, SIGNED),
    purpose_family("hash-emailed-link", "weak-hash", True, None, EMAILED_LINK),
    purpose_family("hash-cipher-key", "weak-hash", True, None, CIPHER_KEY),
    purpose_family("hash-password-stored", "weak-hash", True, None, PASSWORD_STORED),
    purpose_family("hash-iterated-password", "weak-hash", True, None, ITERATED),
    purpose_family("hash-one-time-code", "weak-hash", True, None, ONE_TIME_CODE),
    purpose_family("hash-asset-fingerprint", "weak-hash", False, None, ASSET_FINGERPRINT),
    purpose_family("hash-short-identifier", "weak-hash", False, None, SHORT_IDENTIFIER),
    purpose_family("hash-correlation-id", "weak-hash", False, None, CORRELATION_ID),
    purpose_family("hash-memo-decorator", "weak-hash", False, None, MEMO_DECORATOR),
    purpose_family("hash-stable-id", "weak-hash", False, None, STABLE_ID),
)
