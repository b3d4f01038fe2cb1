"""Weak randomness (`random`) by what it makes: real (`security-use`) for tokens, passwords, OTPs,
salts, session ids and reset codes; not real (`not-security`) for backoff jitter, display order,
sampling, A/B arms and colours. As for hashes, the meaning shows only in function, attribute,
called-function and dict-key names (crypto.py)."""

from __future__ import annotations

from training.judgements.crypto import purpose, purpose_family

TOKEN_NAMED = ("generate_token", "make_api_key", "new_session_id", "reset_code", "make_invite_code",
               "csrf_token", "temp_password", "one_time_code")
TOKEN_FUNCTION = (
    purpose('''
        def $fn($x=32):
            return "".join(random.choice(string.ascii_letters + string.digits) for $a in range($x))  #@sink
    ''', TOKEN_NAMED),
    purpose('''
        def $fn():
            return "%06d" % random.randint(0, 999999)  #@sink
    ''', TOKEN_NAMED),
    purpose('''
        def $fn():
            return hex(random.getrandbits(128))[2:]  #@sink
    ''', TOKEN_NAMED),
)
SECRET_ATTR = (
    purpose('''
        def $fn($x):
            $x.otp_code = random.randint(100000, 999999)  #@sink
            $x.save()
    '''),
    purpose('''
        def $fn(self):
            self.reset_token = "".join(random.choices(string.hexdigits, k=24))  #@sink
            return self.reset_token
    '''),
    purpose('''
        def $fn($x):
            $x.session.token = str(random.random())[2:]  #@sink
    '''),
)
SENT_SECRET = (
    purpose('''
        def $fn($x):
            $a = str(random.randrange(10**12))  #@sink
            $x.set_cookie("session", $a)
            return $x
    '''),
    purpose('''
        def $fn($x):
            $a = random.randint(1000, 9999)  #@sink
            send_verification_sms($x.phone, $a)
    '''),
)
SECRET_IN_DICT = (
    purpose('''
        def $fn($x):
            return {"username": $x, "password": "".join(random.sample(ALPHABET, 12))}  #@sink
    '''),
    purpose('''
        def $fn($x):
            $a = {"user_id": $x}
            $a["api_key"] = "%032x" % random.getrandbits(128)  #@sink
            return $a
    '''),
)
SALT = (
    purpose('''
        def $fn($x, $b):
            $a = str(random.random())  #@sink
            $x.salt = $a
            $x.password_hash = hash_password($b, $a)
    '''),
    purpose('''
        def $fn($x):
            $a = bytes(random.getrandbits(8) for $c in range(16))  #@sink
            return derive_key($x, salt=$a)
    '''),
)
BACKOFF = (
    purpose('''
        def $fn($x):
            $a = min(60, 2 ** $x) + random.uniform(0, 1)  #@sink
            time.sleep($a)
    ''', ("retry_delay", "backoff", "sleep_with_jitter", "wait_before_retry")),
    purpose('''
        def $fn($x, $b=5):
            for $a in range($b):
                try:
                    return $x()
                except ConnectionError:
                    time.sleep(2 ** $a + random.random())  #@sink
    '''),
    purpose('''
        def $fn(self, $x):
            $a = self.base * (2 ** $x)
            return random.uniform(0, min(self.cap, $a))  #@sink
    ''', ("full_jitter", "retry_delay", "next_backoff")),
)
DISPLAY_ORDER = (
    purpose('''
        def $fn($x):
            $a = list($x)
            random.shuffle($a)  #@sink
            return render_template("home.html", products=$a[:8])
    '''),
    purpose('''
        def $fn():
            return random.choice(TIPS_OF_THE_DAY)  #@sink
    ''', ("tip_of_the_day", "banner_text", "greeting", "featured_quote")),
)
EXPERIMENT_ARM = (
    purpose('''
        def $fn($x):
            $x.layout_variant = random.choice(["A", "B"])  #@sink
            return $x.layout_variant
    '''),
    purpose('''
        def $fn():
            return "new" if random.random() < 0.5 else "old"  #@sink
    ''', ("pick_layout", "choose_variant", "ab_bucket")),
)
SAMPLING = (
    purpose('''
        def $fn($x):
            if random.random() < 0.01:  #@sink
                metrics.timing("request.latency", $x)
    '''),
    purpose('''
        def $fn($x):
            return random.sample($x, min(100, len($x)))  #@sink
    ''', ("sample_rows_for_test", "fixture_subset", "spot_check_rows")),
    purpose('''
        def $fn($x):
            $a = random.Random(42)
            return [$a.randint(0, 100) for $b in range($x)]  #@sink
    ''', ("fake_scores", "make_test_data", "synthetic_series")),
)
COLOUR = (
    purpose('''
        def $fn($x):
            $x.avatar_color = "#%06x" % random.randint(0, 0xFFFFFF)  #@sink
    '''),
    purpose('''
        def $fn():
            return random.choice(PALETTE)  #@sink
    ''', ("pick_colour", "chart_color", "random_color")),
    purpose('''
        def $fn($x):
            return {"label": $x, "color": random.choice(["red", "green", "blue"])}  #@sink
    '''),
)

FAMILIES = (
    purpose_family("random-token-function", "weak-random", True, None, TOKEN_FUNCTION),
    purpose_family("random-secret-attribute", "weak-random", True, None, SECRET_ATTR),
    purpose_family("random-sent-secret", "weak-random", True, None, SENT_SECRET),
    purpose_family("random-backoff", "weak-random", False, None, BACKOFF),
    purpose_family("random-display-order", "weak-random", False, None, DISPLAY_ORDER),
    purpose_family("random-experiment-arm", "weak-random", False, None, EXPERIMENT_ARM),
    purpose_family("random-secret-dict-key", "weak-random", True, "validation", SECRET_IN_DICT),
    purpose_family("random-sampling", "weak-random", False, "validation", SAMPLING),
    purpose_family("random-salt", "weak-random", True, "test", SALT),
    purpose_family("random-colour", "weak-random", False, "test", COLOUR),
)
