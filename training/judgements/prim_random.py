"""More weak-random families (randomness.py's pattern, crypto.py's machinery). Real
(`security-use`): an invite link's code, a temporary password (also shuffled out of an
alphabet), a cipher key or IV, a token from a re-seeded generator, a hand-made session UUID, an
MFA challenge. Not real (`not-security`): picking a replica, a simulation, cache TTL jitter,
spreading scheduled jobs, a friendly default name.

Deliberately absent (held-out idioms): secrets under dict keys, salts, `random.Random(seed)`
instances, `random.random() < rate` sampling, row subsets, colours.
"""

from __future__ import annotations

from training.judgements.crypto import purpose, purpose_family

INVITE = (
    purpose('''
        def $fn($x, $b):
            $a = "".join(random.choices(string.ascii_uppercase + string.digits, k=10))  #@sink
            Invitation.objects.create(team=$x, email=$b, code=$a)
            send_mail($b, url_for("accept_invite", code=$a, _external=True))
    '''),
    purpose('''
        def $fn(self, $x):
            $a = "%x" % random.getrandbits(64)  #@sink
            self.invites.add($x, $a)
            return f"{self.base_url}/join/{$a}"
    '''),
    purpose('''
        def $fn($x):
            $a = []
            while len($a) < 8:
                $a.append(random.choice(INVITE_ALPHABET))  #@sink
            $x.invite_code = "".join($a)
            $x.save()
    '''),
)
TEMP_PASSWORD = (
    purpose('''
        def $fn($x):
            $a = "".join(random.choice(string.printable[:94]) for _ in range(12))  #@sink
            $x.set_password($a)
            $x.save()
            send_welcome_email($x.email, $a)
    '''),
    purpose('''
        def $fn(self, $x):
            $a = str(random.randint(10**7, 10**8 - 1))  #@sink
            self.auth.reset_password($x, $a)
            return $a
    '''),
    purpose('''
        def $fn($x, $b=16):
            return User.objects.create_user($x, password="".join(random.choices(ALPHABET, k=$b)))  #@sink
    '''),
)
# Shuffling is harmless for a product list (randomness.py) and not for a password.
SHUFFLED_PASSWORD = (
    purpose('''
        def $fn($x):
            $a = list(string.ascii_letters + string.digits)
            random.shuffle($a)  #@sink
            $x.set_password("".join($a[:14]))
    '''),
    purpose('''
        def $fn(self, $x):
            $a = random.sample(PASSWORD_CHARS, len(PASSWORD_CHARS))  #@sink
            self.accounts.create($x, password="".join($a[:16]))
    '''),
    purpose('''
        def $fn($x):
            $a = [random.choice(string.digits), random.choice(string.ascii_uppercase)]
            $a += random.choices(string.ascii_lowercase, k=10)
            random.shuffle($a)  #@sink
            change_password($x, "".join($a))
    '''),
)
CIPHER_MATERIAL = (
    purpose('''
        def $fn($x):
            $a = random.randbytes(16)  #@sink
            $b = AES.new(ENCRYPTION_KEY, AES.MODE_CBC, $a)
            return $a + $b.encrypt(pad($x, 16))
    '''),
    purpose('''
        def $fn(self, $x):
            $a = random.getrandbits(96).to_bytes(12, "big")  #@sink
            return $a + AESGCM(self.key).encrypt($a, $x, None)
    '''),
    purpose('''
        def $fn():
            $a = random.randbytes(32)  #@sink
            return Fernet(base64.urlsafe_b64encode($a))
    ''', ("new_cipher", "make_fernet", "generate_key", "rotate_key")),
)
RESEEDED = (
    purpose('''
        def $fn($x):
            random.seed(time.time())
            $a = "".join(random.choice(string.hexdigits) for _ in range(32))  #@sink
            $x.api_token = $a
            return $a
    '''),
    purpose('''
        def $fn(self, $x):
            random.seed(f"{$x.id}{os.getpid()}")
            self.session_key = "%030x" % random.randrange(16**30)  #@sink
    '''),
    purpose('''
        def $fn($x):
            random.seed()
            $b = random.getrandbits(64)  #@sink
            create_session($x, $b)
            return $b
    '''),
)
SESSION_UUID = (
    purpose('''
        def $fn($x):
            $a = uuid.UUID(int=random.getrandbits(128), version=4)  #@sink
            cache.set(f"session:{$a}", $x.id, 3600)
            return str($a)
    '''),
    purpose('''
        def $fn(self, $x):
            $a = "%08x-%04x-%04x" % (random.getrandbits(32), random.getrandbits(16), random.getrandbits(16))  #@sink
            self.sessions[$a] = $x
            $x.response.set_cookie("sid", $a, secure=True)
    '''),
    purpose('''
        def $fn($x, $b):
            $a = "-".join(str(random.randint(1000, 9999)) for _ in range(4))  #@sink
            login_user($x, remember_token=$a)
            $b.set_cookie("remember", $a)
            return $b
    '''),
)
MFA_CHALLENGE = (
    purpose('''
        def $fn(self):
            self.pending_code = f"{random.randrange(1_000_000):06d}"  #@sink
            self.pending_until = time.time() + 300
            self.notifier.send_sms(self.phone, self.pending_code)
    '''),
    purpose('''
        def $fn($x):
            $a = random.randint(0, 10**6 - 1)  #@sink
            redis.setex(f"2fa:{$x}", 300, $a)
            enqueue(send_login_code, $x, $a)
    '''),
    purpose('''
        async def $fn($x):
            $a = "".join(str(random.randint(0, 9)) for _ in range(6))  #@sink
            await $x.user.store_otp($a)
            await email_otp($x.user.email, $a)
    '''),
)
REPLICA = (
    purpose('''
        def $fn(self):
            $a = random.choice(self.read_replicas)  #@sink
            return psycopg.connect($a)
    '''),
    purpose('''
        def $fn($x):
            $a = random.choices(BACKENDS, weights=[b.weight for b in BACKENDS])[0]  #@sink
            return requests.post($a.url + "/jobs", json=$x, timeout=5)
    '''),
    purpose('''
        def $fn($x):
            $a = [n for n in $x if n.healthy]
            return $a[random.randrange(len($a))] if $a else None  #@sink
    ''', ("pick_node", "choose_upstream", "next_replica", "select_worker")),
)
SIMULATION = (
    purpose('''
        def $fn($x=10000):
            $a = 0
            for _ in range($x):
                if random.uniform(-1, 1) ** 2 + random.uniform(-1, 1) ** 2 <= 1:  #@sink
                    $a += 1
            return 4 * $a / $x
    ''', ("estimate_pi", "monte_carlo", "simulate")),
    purpose('''
        def $fn(self):
            $a = random.randint(1, 6) + random.randint(1, 6)  #@sink
            self.position = (self.position + $a) % len(self.board)
            return $a
    '''),
    purpose('''
        def $fn($x, $b):
            return [$x + random.gauss(0, $b) for _ in range(STEPS)]  #@sink
    ''', ("random_walk", "noisy_series", "simulate_prices")),
    purpose('''
        def $fn(self, $x):
            for $a in self.creatures:
                $a.x += random.choice((-1, 0, 1))  #@sink
                $a.y += random.choice((-1, 0, 1))
            return self.tick($x)
    '''),
)
TTL_JITTER = (
    purpose('''
        def $fn($x, $b):
            $a = CACHE_TTL + random.randint(0, 60)  #@sink
            cache.set($x, $b, timeout=$a)
    '''),
    purpose('''
        def $fn(self, $x, $b):
            $a = int(self.ttl * random.uniform(0.9, 1.1))  #@sink
            self.redis.set($x, $b, ex=$a)
    '''),
    purpose('''
        def $fn($x):
            $x.headers["Cache-Control"] = "max-age=%d" % (600 + random.randrange(120))  #@sink
            return $x
    '''),
)
SCHEDULE_SPREAD = (
    purpose('''
        def $fn($x):
            $a = timezone.now() + timedelta(seconds=random.uniform(0, 900))  #@sink
            $x.next_run = $a
            $x.save(update_fields=["next_run"])
    '''),
    purpose('''
        def $fn($x, $b):
            for $c in $x:
                $b.apply_async(args=[$c.id], countdown=random.randint(0, 300))  #@sink
    '''),
    purpose('''
        async def $fn(self):
            await asyncio.sleep(random.random() * self.interval)  #@sink
            while True:
                await self.poll()
                await asyncio.sleep(self.interval)
    '''),
)
FRIENDLY_NAME = (
    purpose('''
        def $fn():
            return f"{random.choice(ADJECTIVES)}-{random.choice(NOUNS)}"  #@sink
    ''', ("default_project_name", "container_name", "suggest_name", "nickname")),
    purpose('''
        def $fn(self, $x):
            if not $x.display_name:
                $x.display_name = "guest-%d" % random.randint(100, 999)  #@sink
            return $x.display_name
    '''),
    purpose('''
        def $fn($x):
            $a = random.choice(["swift", "calm", "bold"]) + "_" + $x.lower()  #@sink
            return $a
    ''', ("workspace_label", "board_title", "draft_name")),
    purpose('''
        def $fn($x):
            $a = random.choice(EMOJI)  #@sink
            return f"{$a} {$x.title}"
    ''', ("decorate_title", "festive_heading", "fun_label")),
)

FAMILIES = (
    purpose_family("random-invite-code", "weak-random", True, None, INVITE),
    purpose_family("random-temp-password", "weak-random", True, None, TEMP_PASSWORD),
    purpose_family("random-shuffled-password", "weak-random", True, None, SHUFFLED_PASSWORD),
    purpose_family("random-cipher-material", "weak-random", True, None, CIPHER_MATERIAL),
    purpose_family("random-reseeded-token", "weak-random", True, None, RESEEDED),
    purpose_family("random-session-uuid", "weak-random", True, None, SESSION_UUID),
    purpose_family("random-mfa-challenge", "weak-random", True, None, MFA_CHALLENGE),
    purpose_family("random-replica", "weak-random", False, None, REPLICA),
    purpose_family("random-simulation", "weak-random", False, None, SIMULATION),
    purpose_family("random-ttl-jitter", "weak-random", False, None, TTL_JITTER),
    purpose_family("random-schedule-spread", "weak-random", False, None, SCHEDULE_SPREAD),
    purpose_family("random-friendly-name", "weak-random", False, None, FRIENDLY_NAME),
)
