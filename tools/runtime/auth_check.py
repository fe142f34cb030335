"""auth: who gets in, and who is admin, through the authenticator's own code.

The authenticator is built as the hub builds it: `hub.config` (the chart
defaults merged with the values) applied section by section the way the
chart's jupyterhub_config.py does (`c[section].update(cfg)`, minus the keys
the chart feeds from its Secret), `JupyterHub.authenticator_class` resolved by
the hub's own trait (entry-point names `github`, `azuread`), the client id and
secret read from the environment variables `hub.extraEnv` sets (fake values),
and the hub's start-up normalisation of `admin_users` / `allowed_users`
(`JupyterHub.init_users`).

Each identity then goes through `Authenticator.get_authenticated_user` — the
outer API the hub's OAuth callback calls: OAuthenticator's `authenticate`
(token request, `token_to_user`, `user_info_to_username`, JupyterHub's
`normalize_username`, `update_auth_model`, managed groups), then
`check_allowed` and the admin status. Only the network is replaced: the
authenticator's `http_client` is a stub identity provider that answers the
requests the real one would get, at the URLs the authenticator computes
(GitHub's token, user and membership APIs; Entra ID's v1 token endpoint
returning an id_token). The stub checks that the client id and secret are the
values the spec's Secret holds, and — like GitHub — shows private organisation
and team membership only to a token granted `read:org`, the scope the
authenticator requests (`self.scope`).

What each identity should get (allowed? admin? which username?) is derived from
spec.json, not written down per environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import io
import json
import logging
import os
import re
import time
import uuid
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

from common import CheckError, Env, Result, dig, extra_env, secret_env

CHART_POPPED = {"JupyterHub": ("proxy_auth_token", "cookie_secret", "services"),
                "ConfigurableHTTPProxy": ("auth_token",), "CryptKeeper": ("keys",)}


# --------------------------------------------------------------------------
# building the authenticator
# --------------------------------------------------------------------------


def chart_hub_config(env: Env):
    """hub.config as a traitlets Config, applied as the chart applies it."""
    from traitlets.config import Config

    config = Config()
    for section, body in copy.deepcopy(dig(env.merged, "hub.config") or {}).items():
        if not str(section)[:1].isupper():
            raise CheckError(f"hub.config.{section}: the chart exits FATAL on a section that "
                             "is not a Configurable class name")
        if not isinstance(body, dict):
            raise CheckError(f"hub.config.{section} is not a mapping")
        for key in CHART_POPPED.get(section, ()):
            body.pop(key, None)
        config[section].update(body)
    return config


def authenticator_class(config):
    from jupyterhub.app import JupyterHub

    trait = JupyterHub.class_traits()["authenticator_class"]
    value = config.JupyterHub.get("authenticator_class", trait.default_value)
    try:
        return trait._validate(JupyterHub.__new__(JupyterHub), value)
    except Exception as e:
        raise CheckError(f"JupyterHub.authenticator_class {value!r} does not load: {e}")


def build_authenticator(env: Env, log: io.StringIO):
    config = chart_hub_config(env)
    cls = authenticator_class(config)
    try:
        authenticator = cls(config=config)
        authenticator.check_allow_config()
        # JupyterHub.init_users: normalise and validate the configured names
        for attr in ("admin_users", "allowed_users"):
            names = {authenticator.normalize_username(n) for n in getattr(authenticator, attr)}
            for name in names:
                if not authenticator.validate_username(name):
                    raise CheckError(f"{attr}: {name!r} is not a valid username")
            setattr(authenticator, attr, names)
        if authenticator.allowed_users and authenticator.admin_users:
            authenticator.allowed_users |= authenticator.admin_users
    except CheckError:
        raise
    except Exception as e:
        raise CheckError(f"{cls.__name__} cannot be built from hub.config: {type(e).__name__}: {e}\n"
                         f"{log.getvalue().strip()}")
    return authenticator


# --------------------------------------------------------------------------
# the stub identity provider
# --------------------------------------------------------------------------


class StubTransport:
    """Stands in for the authenticator's tornado AsyncHTTPClient: routes each
    request to a provider function by URL, follows redirects as tornado does,
    and raises HTTPClientError on non-2xx responses when asked to."""

    def __init__(self, provider):
        self.provider = provider
        self.requests = []

    async def fetch(self, req, raise_error=True, **kwargs):
        from tornado.httpclient import HTTPRequest, HTTPResponse
        from tornado.httputil import HTTPHeaders

        for _ in range(6):
            self.requests.append((req.method, req.url))
            code, headers, body = self.provider(req)
            if code in (301, 302, 303, 307, 308) and req.follow_redirects is not False:
                req = HTTPRequest(headers["Location"], method="GET", headers=req.headers)
                continue
            break
        response = HTTPResponse(req, code, headers=HTTPHeaders(headers or {}),
                                buffer=io.BytesIO(body if isinstance(body, bytes) else body.encode()),
                                effective_url=req.url)
        if raise_error and response.error:
            raise response.error
        return response

    def close(self):
        pass


def json_response(code, data, headers=None):
    return code, {"Content-Type": "application/json", **(headers or {})}, json.dumps(data)


def form(req) -> dict:
    body = req.body.decode() if isinstance(req.body, bytes) else (req.body or "")
    return {k: v[-1] for k, v in parse_qs(body).items()}


class Credentials:
    """The OAuth app as registered with the provider: its id and secret (the
    spec's Secret) and its redirect URI (the spec's host and base URL)."""

    def __init__(self, client_id, client_secret, redirect_uri):
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.problems = []

    def check_redirect(self, params: dict) -> bool:
        ok = params.get("redirect_uri") == self.redirect_uri
        if not ok:
            self.problems.append(f"the token request's redirect_uri is {params.get('redirect_uri')!r}; "
                                 f"the app is registered with {self.redirect_uri!r}")
        return ok

    def check(self, params: dict) -> bool:
        wrong = []
        if params.get("client_id") != self.client_id:
            wrong.append(f"client_id {params.get('client_id')!r} is not the Secret's {self.client_id!r}")
        if params.get("client_secret") != self.client_secret:
            wrong.append("client_secret is not the Secret's" if params.get("client_secret")
                         else "client_secret is empty")
        if wrong:
            self.problems.append("the token request's " + ", ".join(wrong))
        return not wrong


def sees_private_scope(scopes) -> bool:
    return "read:org" in scopes


class GitHubStub:
    """github.com's OAuth token endpoint and the REST API calls OAuthenticator
    makes, with GitHub's visibility rules for organisation membership."""

    def __init__(self, authenticator, credentials: Credentials, users: dict):
        self.token_url = authenticator.token_url
        self.api = authenticator.github_api.rstrip("/")
        self.userdata_url = authenticator.userdata_url
        # What the user consents to at the authorize step is what the
        # authenticator asks for there: its `scope`.
        self.granted = list(authenticator.scope)
        self.credentials = credentials
        self.users = users  # code -> identity
        self.tokens = {}
        self.unexpected = []

    def __call__(self, req):
        url = urlsplit(req.url)
        base = f"{url.scheme}://{url.netloc}{url.path}"
        if req.method == "POST" and base == self.token_url:
            params = form(req)
            if not self.credentials.check(params):
                return json_response(200, {
                    "error": "incorrect_client_credentials",
                    "error_description": "The client_id and/or client_secret passed are incorrect."})
            if not self.credentials.check_redirect(params):
                return json_response(200, {
                    "error": "redirect_uri_mismatch",
                    "error_description": "The redirect_uri MUST match the registered callback URL for this application."})
            identity = self.users.get(params.get("code"))
            if identity is None:
                return json_response(200, {"error": "bad_verification_code",
                                           "error_description": "The code passed is incorrect or expired."})
            token = f"gho_{uuid.uuid4().hex}"
            self.tokens[token] = (identity, set(self.granted))
            return json_response(200, {"access_token": token, "token_type": "bearer",
                                       "scope": ",".join(self.granted)})
        auth = (req.headers.get("Authorization") or "").split(" ", 1)
        found = self.tokens.get(auth[1]) if len(auth) == 2 else None
        if found is None:
            return json_response(401, {"message": "Requires authentication"})
        identity, scopes = found
        if req.method == "GET" and base == self.userdata_url:
            return json_response(200, {"login": identity["login"], "id": identity["id"],
                                       "name": identity["login"], "email": identity.get("email")})
        if req.method == "GET" and base == f"{self.api}/user/emails":
            email = identity.get("email") or f"{identity['login'].lower()}@users.noreply.example"
            return json_response(200, [{"email": email, "primary": True, "verified": True,
                                        "visibility": None}])
        if req.method == "GET" and base == f"{self.api}/user/teams":
            teams = [{"slug": t.split(":", 1)[1], "organization": {"login": t.split(":", 1)[0]}}
                     for t in sorted(identity["teams"])] if sees_private_scope(scopes) else []
            return json_response(200, teams)
        path = base[len(self.api):] if base.startswith(self.api + "/") else None
        parts = path.strip("/").split("/") if path else []
        sees_private = sees_private_scope(scopes)
        if len(parts) == 4 and parts[0] == "orgs" and parts[2] == "members":
            org, who = parts[1], parts[3].lower()
            member = who == identity["login"].lower() and org in identity["orgs"]
            if member and (identity["orgs"][org] == "public" or sees_private):
                return 204, {}, b""
            requester_in_org = org in identity["orgs"] and sees_private
            if requester_in_org:
                return json_response(404, {"message": "User does not exist or is not a member of the organization"})
            # GitHub: a requester who is not (visibly) a member is redirected to the public check
            return 302, {"Location": f"{self.api}/orgs/{org}/public_members/{parts[3]}"}, b""
        if len(parts) == 4 and parts[0] == "orgs" and parts[2] == "public_members":
            org, who = parts[1], parts[3].lower()
            public = who == identity["login"].lower() and identity["orgs"].get(org) == "public"
            return (204, {}, b"") if public else json_response(404, {"message": "Not Found"})
        if len(parts) == 6 and parts[0] == "orgs" and parts[2] == "teams" and parts[4] == "members":
            org, team, who = parts[1], parts[3], parts[5].lower()
            member = who == identity["login"].lower() and f"{org}:{team}" in identity["teams"]
            if member and sees_private:
                return 204, {}, b""
            return json_response(404, {"message": "Not Found"})
        self.unexpected.append(f"{req.method} {req.url}")
        return json_response(404, {"message": "Not Found (not modelled by the stub)"})


class EntraStub:
    """Entra ID's v1 token endpoint: returns an id_token with the identity's
    claims (AzureAdOAuthenticator reads the user from it, no Graph call)."""

    def __init__(self, authenticator, credentials: Credentials, users: dict, tenant: str):
        self.token_url = authenticator.token_url
        self.credentials = credentials
        self.users = users
        self.tenant = tenant
        self.client_id = credentials.client_id
        self.unexpected = []
        self.token_urls = []

    def __call__(self, req):
        import jwt

        url = urlsplit(req.url)
        base = f"{url.scheme}://{url.netloc}{url.path}"
        if req.method == "POST" and base == self.token_url:
            self.token_urls.append(base)
            params = form(req)
            if not self.credentials.check(params):
                return json_response(401, {"error": "invalid_client",
                                           "error_description": "AADSTS7000215: Invalid client secret provided."})
            if not self.credentials.check_redirect(params):
                return json_response(400, {"error": "invalid_grant", "error_description":
                                           "AADSTS50011: The redirect URI specified in the request does not "
                                           "match the redirect URIs configured for the application."})
            claims = self.users.get(params.get("code"))
            if claims is None:
                return json_response(400, {"error": "invalid_grant",
                                           "error_description": "AADSTS70008: The provided authorization code has expired."})
            now = int(time.time())
            payload = {"aud": self.client_id, "iss": f"https://sts.windows.net/{self.tenant}/",
                       "iat": now, "nbf": now, "exp": now + 3600, "tid": self.tenant, "ver": "1.0",
                       "amr": ["pwd"], "ipaddr": "192.0.2.10", "rh": "0.AAAA.stub",
                       "sub": uuid.uuid4().hex, **claims}
            id_token = jwt.encode(payload, "stub-signing-key-that-nobody-checks", algorithm="HS256",
                                  headers={"kid": "stub"})
            return json_response(200, {"token_type": "Bearer", "scope": "openid email profile",
                                       "expires_in": "3599", "ext_expires_in": "3599",
                                       "expires_on": str(now + 3599), "resource": "00000002-0000-0000-c000-000000000000",
                                       "access_token": f"eyJ0.{uuid.uuid4().hex}", "refresh_token": uuid.uuid4().hex,
                                       "id_token": id_token})
        self.unexpected.append(f"{req.method} {req.url}")
        return json_response(404, {"error": "not modelled by the stub"})


# --------------------------------------------------------------------------
# the login
# --------------------------------------------------------------------------


class StandInHandler:
    """What the authenticator reads from the hub's OAuth callback handler."""

    def __init__(self, code, env: Env, data=None):
        from oauthenticator.oauth2 import _serialize_state

        self._code = code
        self._state = _serialize_state({"state_id": uuid.uuid4().hex, "next_url": None,
                                        "code_verifier": uuid.uuid4().hex + uuid.uuid4().hex})
        host = env.s("ingress.host", "localhost")
        base = env.s("hub.base_url", "/")
        self.request = SimpleNamespace(protocol="https", host=host, uri=f"{base}hub/oauth_callback")
        self.hub = SimpleNamespace(server=SimpleNamespace(base_url=f"{base}hub/"))
        self.log = logging.getLogger("jhubgen.runtime.handler")

    def get_argument(self, name, default=None):
        return self._code if name == "code" else default

    def get_state_cookie(self):
        return self._state


async def login(authenticator, handler, data=None):
    """The hub's login: get_authenticated_user, then the admin status the
    hub gives the user (the model's, else admin_users')."""
    model = await authenticator.get_authenticated_user(handler, data)
    if model is None:
        return None
    admin = model.get("admin")
    if admin is None:
        admin = model["name"] in authenticator.admin_users
    return model["name"], bool(admin), model


class Case:
    def __init__(self, label, code, allowed, admin, username, payload=None):
        self.label = label
        self.code = code
        self.allowed = allowed
        self.admin = admin
        self.username = username  # None: any (only when not allowed)
        self.payload = payload


def authenticator_claims(case) -> dict:
    return case.payload if isinstance(case.payload, dict) and "oid" in case.payload else {}


def run_cases(r: Result, authenticator, env: Env, cases, data_for=None):
    async def go():
        out = []
        for case in cases:
            handler = StandInHandler(case.code, env)
            data = data_for(case) if data_for else None
            try:
                out.append((case, await login(authenticator, handler, data), None))
            except Exception as e:
                out.append((case, None, e))
        return out

    for case, got, error in asyncio.run(go()):
        if error is not None:
            first = error.args[0] if len(error.args) == 1 else None
            # OAuthenticator 17 raises ValueError((message,)): a tuple inside
            message = str(first[0] if isinstance(first, tuple) and first else error)
            # OAuthenticator's "No <claim> found in {...whole user info...}": name the keys instead
            message = re.sub(r" in \{.*", " in the user info", message.splitlines()[0] if message else "")
            claims = authenticator_claims(case)
            keys = f" (the token's claims: {', '.join(sorted(claims))})" if claims else ""
            r.fail(f"{case.label}: login raised {type(error).__name__}: {message[:300]}{keys}")
            continue
        if not case.allowed:
            r.expect(got is None, f"{case.label}: denied",
                     f"allowed as {got[0]!r}" + (" (admin)" if got and got[1] else "") if got else "")
            continue
        if got is None:
            r.fail(f"{case.label}: expected to be allowed as {case.username!r}, but was denied")
            continue
        name, admin, _ = got
        what = f"{case.label}: allowed as {case.username!r}, {'admin' if case.admin else 'not admin'}"
        problems = []
        if name != case.username:
            problems.append(f"username is {name!r}")
        if admin != case.admin:
            problems.append(f"admin is {admin}")
        r.expect(not problems, what, ", ".join(problems))


def github_cases(env: Env):
    admins = env.s("auth.admin_users", [])
    allowed = env.s("auth.allowed_users", [])
    allow_all = bool(env.s("auth.allow_all", False))
    users, cases = {}, []

    def add(label, login, orgs=None, teams=(), email=None):
        code = f"code-{len(users)}"
        users[code] = {"login": login, "id": 1000 + len(users), "orgs": orgs or {}, "teams": set(teams),
                       "email": email}
        name = login.lower()
        admin = name in {a.lower() for a in admins}
        ok = allow_all or admin or name in {a.lower() for a in allowed} or bool(orgs) or bool(teams)
        cases.append(Case(label, code, ok, admin, name))

    for a in admins:
        add(f"admin_users {a!r}", a)
    for a in allowed:
        add(f"allowed_users {a!r}", a)
    for i, entry in enumerate(env.s("auth.github.organizations", [])):
        if ":" in entry:
            org, team = entry.split(":", 1)
            add(f"member of team {entry!r} (private)", f"Team-Member-{i}", {org: "private"}, [entry])
        else:
            add(f"public member of {entry!r}", f"Public-Member-{i}", {entry: "public"}, email="p@example.org")
            add(f"private member of {entry!r} (needs read:org)", f"Private-Member-{i}", {entry: "private"})
    add("a GitHub user in no allowed organization", "Outsider-0", {"some-other-org": "public"})
    # the outsider is in an org, but not an allowed one
    cases[-1].allowed = allow_all
    return users, cases


def set_claim(claims: dict, path: list, value):
    node = claims
    for part in path[:-1]:
        node = node.setdefault(part, {})
    node[path[-1]] = value


def entra_cases(env: Env, r: Result):
    az = env.s("auth.azuread", {})
    admins = {a.lower() for a in env.s("auth.admin_users", [])}
    allowed_users = {a.lower() for a in env.s("auth.allowed_users", [])}
    allow_all = bool(env.s("auth.allow_all", False))
    allowed_groups = list(az.get("allowed_groups") or [])
    admin_groups = list(az.get("admin_groups") or [])
    username_claim = az.get("username_claim") or "upn"
    groups_key = az.get("groups_key") or "user.groups"
    if not groups_key.startswith("user."):
        raise CheckError(f"spec auth.azuread.groups_key {groups_key!r} is not a claim of the id_token "
                         "(user.<claim>): cannot make tokens for it")
    claim_path = groups_key.split(".")[1:]
    users, cases = {}, []

    def oid(seed):  # stable object ids, so reports are reproducible
        return str(uuid.uuid5(uuid.NAMESPACE_URL, f"jhubgen-runtime/entra/{seed}"))

    def person(first, last, domain="aiv.example"):
        upn = f"{first}.{last}@{domain}"
        return {"name": f"{first} {last}", "given_name": first, "family_name": last,
                "oid": oid(upn), "upn": upn, "unique_name": upn}

    def add(label, claims, groups):
        code = f"code-{len(users)}"
        if groups is not None:
            set_claim(claims, claim_path, list(groups))
        users[code] = claims
        raw = claims.get(username_claim)
        name = str(raw).lower() if raw else None
        in_allowed = bool(set(groups or []) & set(allowed_groups))
        in_admin = bool(set(groups or []) & set(admin_groups))
        admin = (name in admins) or in_admin
        ok = allow_all or admin or (name in allowed_users) or in_allowed
        cases.append(Case(label, code, ok, admin, name, payload=claims))
        if ok and name is None:
            r.note(f"{label}: the token has no {username_claim!r} claim")

    where = f"claim {'.'.join(claim_path)!r}"
    if allowed_groups:
        add(f"member of allowed group {allowed_groups[0]!r} ({where})", person("Ada", "Lovelace"),
            [allowed_groups[0]])
    if admin_groups:
        add(f"member of admin group {admin_groups[0]!r} ({where})", person("Grace", "Hopper"),
            [admin_groups[0]])
    for a in env.s("auth.admin_users", []):
        claims = person("Admin", "User")
        claims[username_claim] = a
        add(f"admin_users {a!r}", claims, None)
    for a in env.s("auth.allowed_users", []):
        claims = person("Allowed", "User")
        claims[username_claim] = a
        add(f"allowed_users {a!r}", claims, None)
    guids = [oid("group-1"), oid("group-2")]
    claims = person("Alan", "Turing")
    claims["groups"] = guids
    add(f"a token whose groups are only unlisted object ids ({where})", claims, guids)
    add(f"a token without the {where}", person("Edsger", "Dijkstra"), None)
    guest = {"name": "Guest User", "given_name": "Guest", "family_name": "User", "oid": oid("guest"),
             "unique_name": "live.com#guest@example.com", "email": "guest@example.com", "idp": "live.com"}
    guest_groups = allowed_groups[:1] or admin_groups[:1]
    add(f"a guest (no upn) in {guest_groups[0]!r}" if guest_groups else "a guest (no upn)", guest,
        guest_groups or None)
    return users, cases


def check(env: Env) -> Result:
    r = Result()
    provider = env.s("auth.provider")
    if provider not in ("github", "azuread", "dummy"):
        raise CheckError(f"spec auth.provider {provider!r} is not one this check knows")
    variables = extra_env(dig(env.merged, "hub.extraEnv"), env.namespace)
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    root = logging.getLogger()
    root.addHandler(handler)
    saved = dict(os.environ)
    try:
        os.environ.update(variables)
        with contextlib.redirect_stdout(log):
            authenticator = build_authenticator(env, log)
        kind = type(authenticator).__name__
        r.note(f"authenticator: {type(authenticator).__module__}.{kind}")
        if provider == "dummy":
            return check_dummy(env, r, authenticator)
        client = env.s("auth.client")
        if not client:
            raise CheckError("spec auth.client is missing: no Secret holds the OAuth client")
        id_var, client_id = secret_env(env, variables, client["secret"], client.get("id_key", "client_id"))
        secret_var, client_secret = secret_env(env, variables, client["secret"],
                                                     client.get("secret_key", "client_secret"))
        for what, var, key in (("id", id_var, client.get("id_key", "client_id")),
                               ("secret", secret_var, client.get("secret_key", "client_secret"))):
            if var is None:
                r.fail(f"no hub.extraEnv variable reads key {key!r} of Secret {client['secret']!r}, "
                       f"the client {what}: the authenticator cannot get it")
            else:
                r.passed.append(f"the client {what} comes from key {key!r} of Secret {client['secret']!r} "
                                f"(hub.extraEnv {var})")
        callback = f"https://{env.s('ingress.host')}{env.s('hub.base_url', '/')}hub/oauth_callback"
        credentials = Credentials(client_id, client_secret, callback)
        if provider == "github":
            want = "GitHubOAuthenticator"
            if not r.expect(kind == want, f"authenticator is {want}", f"it is {kind}"):
                return r
            users, cases = github_cases(env)
            stub = GitHubStub(authenticator, credentials, users)
        else:
            want = "AzureAdOAuthenticator"
            if not r.expect(kind == want, f"authenticator is {want}", f"it is {kind}"):
                return r
            tenant = env.s("auth.azuread.tenant_id")
            if isinstance(tenant, dict):
                _, tenant = secret_env(env, variables, tenant.get("secret"), tenant.get("key"))
            r.expect(bool(tenant) and authenticator.tenant_id == tenant,
                     "the authenticator's tenant is the spec's",
                     f"tenant_id is {authenticator.tenant_id!r}, the spec's is {tenant!r}")
            users, cases = entra_cases(env, r)
            stub = EntraStub(authenticator, credentials, users, tenant or "")
            r.expect(bool(tenant) and f"/{tenant}/" in authenticator.token_url,
                     "the token endpoint is the tenant's", f"token_url is {authenticator.token_url}")
        authenticator.http_client = StubTransport(stub)
        run_cases(r, authenticator, env, cases)
        for problem in dict.fromkeys(credentials.problems):
            r.fail(f"the identity provider refused the token request: {problem}")
        for request in stub.unexpected:
            r.fail(f"the authenticator made a request the stub does not model: {request}")
        if provider == "github":
            r.note(f"granted scope (the authenticator's `scope`): {stub.granted}")
    finally:
        root.removeHandler(handler)
        os.environ.clear()
        os.environ.update(saved)
    return r


def check_dummy(env: Env, r: Result, authenticator) -> Result:
    admins = env.s("auth.admin_users", [])
    allowed = env.s("auth.allowed_users", [])
    allow_all = bool(env.s("auth.allow_all", False))
    cases = [Case(f"admin_users {a!r}", None, True, True, a.lower()) for a in admins]
    cases += [Case(f"allowed_users {a!r}", None, True, a.lower() in {x.lower() for x in admins}, a.lower())
              for a in allowed]
    cases.append(Case("someone else", None, allow_all, False, "someone-else"))
    for c in cases:
        c.payload = {"username": c.username, "password": "any"}
    run_cases(r, authenticator, env, cases, data_for=lambda c: c.payload)
    return r



