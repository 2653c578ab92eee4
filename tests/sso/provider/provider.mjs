// The OpenID provider the SSO tests run on loopback: the certified `oidc-provider` package with its
// development login form (any password; the login names an account below). Started and stopped by
// tests/sso/oidc_provider.py; never shipped.
//
//   node provider.mjs   with PORT (0: any free port), CLIENTS (JSON list of {client_id, client_secret,
//                       redirect_uris}); prints "listening <port>" once it answers.
//
// Besides the provider itself it serves a second discovery document under /wrong-key/ whose jwks_uri
// names a key the provider does not sign with: a relying party configured with it must refuse every
// ID token (the "signed by the wrong key" case).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';

import Provider from 'oidc-provider';

const ACCOUNTS = {
  ada: { name: 'Ada Lovelace', email: 'ada@city.example', email_verified: true },
  grace: { name: 'Grace Hopper', email: 'grace@grid.example', email_verified: true },
  unverified: { name: 'Una Verified', email: 'una@city.example', email_verified: false },
};

function rsaKey(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
}

const signing = rsaKey('test-key');
// The same key id, another key: the relying party finds a key for the token and the signature fails.
const { d, p, q, dp, dq, qi, ...otherPublic } = rsaKey('test-key');

const clients = JSON.parse(process.env.CLIENTS || '[]').map((c) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  ...c,
}));

const server = http.createServer();
server.listen(Number(process.env.PORT || 0), '127.0.0.1', () => {
  const { port } = server.address();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients,
    jwks: { keys: [signing] },
    cookies: { keys: [randomBytes(16).toString('hex')] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The ID token carries the claims (as Entra ID and Keycloak do), not only the userinfo endpoint.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    ttl: { AuthorizationCode: 60, Interaction: 600, Session: 600, Grant: 600, IdToken: 300, AccessToken: 300 },
    async findAccount(ctx, id) {
      const account = ACCOUNTS[id];
      if (!account) return undefined;
      return { accountId: id, async claims() { return { sub: id, ...account }; } };
    },
    // No consent screen: the test client is trusted, as an organisation's own app registration is.
    async loadExistingGrant(ctx) {
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId,
        accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      grant.addOIDCClaims(['email', 'email_verified', 'name']);
      await grant.save();
      return grant;
    },
  });
  const handle = provider.callback();
  server.on('request', async (req, res) => {
    if (req.url === '/wrong-key/.well-known/openid-configuration') {
      const discovery = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ ...discovery, jwks_uri: `${issuer}/wrong-key/jwks` }));
    } else if (req.url === '/wrong-key/jwks') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [otherPublic] }));
    } else {
      handle(req, res);
    }
  });
  console.log(`listening ${port}`);
});
