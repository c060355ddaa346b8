import { Browser, BrowserContext, Page } from 'playwright-core';
import { accountKey, apiUrl, createAccount, createTenant, ok, TestTenant } from './test/client';
import { newUser } from './test/codecatalyst';
import {
  launchChromium,
  ownOrigins,
  screenshot,
  seriousViolations,
  tabTo,
  watch,
  Watched,
} from './test/browser';

const ACCOUNT = '444455556666';
const XSS = '<img src=x onerror=alert(1)>';
const NOT_FOUND = 'No pending account connection matches this token';

interface PortalWorld {
  tenant: TestTenant;
  spaceName: string;
  spaceId: string;
  /** The space administrator's user key, and the account's API key. */
  userKey: string;
  accountKey: string;
  validRole: string;
  invalidRole: string;
}

function trust(services: string[], spaceId?: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: services },
        Action: 'sts:AssumeRole',
        ...(spaceId
          ? {
              Condition: {
                ArnLike: { 'aws:SourceArn': `arn:aws:codecatalyst:::space/${spaceId}/project/*` },
              },
            }
          : {}),
      },
    ],
  });
}

async function portalWorld(spaceName = 'partner-space'): Promise<PortalWorld> {
  const tenant = await createTenant('portal');
  await createAccount(tenant, ACCOUNT);
  const admin = await newUser(tenant, 'space-admin');
  const space = await ok<{ createSpace: { id: string } }>(
    'mutation($n: String!) { createSpace(input: { name: $n, region: "us-west-2" }) { id } }',
    { n: spaceName },
    admin.key,
  );
  const spaceId = space.createSpace.id;
  const role = async (name: string, policy: string) =>
    (
      await ok<{ createRole: { arn: string } }>(
        'mutation($a: String!, $n: String!, $p: String!) { createRole(input: { accountId: $a, roleName: $n, assumeRolePolicyDocument: $p }) { arn } }',
        { a: ACCOUNT, n: name, p: policy },
        tenant.admin,
      )
    ).createRole.arn;
  return {
    tenant,
    spaceName,
    spaceId,
    userKey: admin.key.token as string,
    accountKey: (await accountKey(tenant, ACCOUNT)).token as string,
    validRole: await role(
      'CodeCatalystWorkflowRole',
      trust(['codecatalyst-runner.amazonaws.com', 'codecatalyst.amazonaws.com'], spaceId),
    ),
    invalidRole: await role('Ec2OnlyRole', trust(['ec2.amazonaws.com'])),
  };
}

/** A request made with the API, as a space administrator would in the portal: its token. */
async function requestToken(w: PortalWorld): Promise<string> {
  const data = await ok<{ requestAccountConnection: { token: string } }>(
    'mutation($input: RequestAccountConnectionInput!) { requestAccountConnection(input: $input) { token } }',
    { input: { spaceId: w.spaceId, accountId: ACCOUNT, displayName: 'Staging' } },
    { token: w.userKey },
  );
  return data.requestAccountConnection.token;
}

function verifyLink(token: string, region = 'us-west-2'): string {
  return `${apiUrl()}/portal/verify#${new URLSearchParams({ token, region }).toString()}`;
}

async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** axe finds no serious or critical violation, and the step's screenshot is kept. */
async function checkPage(page: Page, step: string): Promise<void> {
  expect({ step, violations: await seriousViolations(page) }).toEqual({ step, violations: [] });
  await screenshot(page, step);
}

async function waitForStatus(page: Page, selector: string, status: string): Promise<void> {
  await page.waitForFunction(
    ([s, expected]) => document.querySelector(s as string)?.textContent === expected,
    [selector, status],
    { timeout: 15_000 },
  );
}

/** Nothing but the API's own origin was called, no dialog opened, no script failed. */
function expectContained(watched: Watched, secrets: string[]): void {
  const origins = ownOrigins();
  expect(watched.urls.filter((url) => !origins.some((o) => url.startsWith(o)))).toEqual([]);
  for (const secret of secrets) {
    expect(watched.urls.filter((url) => url.includes(secret))).toEqual([]);
  }
  expect(watched.dialogs).toEqual([]);
  expect(watched.errors).toEqual([]);
}

jest.setTimeout(120_000);

describe('the partner portal in headless Chromium', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const context = async () => {
    const created = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // A step that does not happen fails within the test's time, naming what it waited for.
    created.setDefaultTimeout(15_000);
    contexts.push(created);
    return created;
  };

  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('runs the whole flow with two people, live, accessible, with every step on screen', async () => {
    const w = await portalWorld();
    const admin = await (await context()).newPage();
    const seenByAdmin = watch(admin);
    const response = await admin.goto(`${apiUrl()}/portal/`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self';/);
    expect(response?.headers()['content-security-policy']).not.toContain('unsafe-inline');
    await checkPage(admin, '01-sign-in');
    await signIn(admin, w.userKey);
    await admin.getByRole('heading', { name: 'Your spaces' }).waitFor();
    await checkPage(admin, '02-spaces');
    await admin.getByRole('link', { name: w.spaceName }).click();
    await admin.locator('[data-live="true"]').waitFor();
    await checkPage(admin, '03-space');

    // Step 1 of the seed: the request, refused once (the form keeps its values), then made.
    await admin.getByRole('button', { name: 'Add an AWS account' }).click();
    await admin.getByLabel('AWS account ID').fill('12345');
    await admin.getByLabel('Amazon CodeCatalyst display name').fill(XSS);
    await admin.getByLabel('Connection description').fill('Production workloads');
    await admin.getByRole('button', { name: 'Associate AWS account' }).click();
    const refusal = admin.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(
      /Please check what you entered\..*\(BAD_USER_INPUT\)/,
    );
    expect(await admin.getByLabel('Amazon CodeCatalyst display name').inputValue()).toBe(XSS);
    expect(await admin.getByLabel('Connection description').inputValue()).toBe(
      'Production workloads',
    );
    await checkPage(admin, '04-request-refused');
    await admin.getByLabel('AWS account ID').fill(ACCOUNT);
    await admin.getByRole('button', { name: 'Associate AWS account' }).click();
    const linkField = admin.getByLabel('Verification link');
    await linkField.waitFor();
    const link = await linkField.inputValue();
    expect(link).toMatch(
      new RegExp(`^${apiUrl()}/portal/verify#token=cct_[A-Za-z0-9_-]+&region=us-west-2$`),
    );
    const token = new URLSearchParams(new URL(link).hash.slice(1)).get('token') as string;
    await waitForStatus(admin, 'tbody .status', 'PENDING_VERIFICATION');
    // The display name is text: no element was made of it.
    expect(await admin.locator('tbody th').first().textContent()).toContain(XSS);
    expect(await admin.locator('main img').count()).toBe(0);
    await checkPage(admin, '05-request-pending');
    await admin.evaluate(() => {
      (window as unknown as { stayed: boolean }).stayed = true;
    });

    // Step 2: the account's administrator opens the link.
    const owner = await (await context()).newPage();
    const seenByOwner = watch(owner);
    await owner.goto(link);
    await signIn(owner, w.accountKey);
    await owner.getByText('This is a valid token.').waitFor();
    expect(await owner.getByLabel('Verification token').inputValue()).toBe(token);
    expect(await owner.locator('.details').textContent()).toBe(
      `Space${w.spaceName}Display name${XSS}DescriptionProduction workloadsAWS account${ACCOUNT}Expires${await owner.locator('.details dd').last().textContent()}`,
    );
    expect(await owner.locator('main img').count()).toBe(0);
    // The token left the address bar once read.
    expect(owner.url()).toBe(`${apiUrl()}/portal/verify`);
    await checkPage(owner, '06-verify');
    await owner.getByLabel('Authorize paid tiers (Standard, Enterprise)').check();
    await owner.getByRole('button', { name: 'Verify space' }).click();
    await owner.getByText('Account verified').waitFor();
    await owner.locator('[data-live="true"]').waitFor();

    // The space administrator's list follows, without a reload.
    await waitForStatus(admin, 'tbody .status', 'VERIFIED');
    expect(await admin.locator('tbody tr').first().textContent()).toMatch(
      /Authorized.*Billing account/,
    );
    expect(await admin.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(
      true,
    );

    // Roles: one that trusts CodeCatalyst for this space (VALID), one that does not (INVALID).
    for (const arn of [w.validRole, w.invalidRole]) {
      await owner.getByLabel('IAM role ARN').fill(arn);
      await owner.getByRole('button', { name: 'Add role' }).click();
      await owner.locator(`tr[data-role="${arn}"]`).waitFor();
    }
    await waitForStatus(owner, `tr[data-role="${w.validRole}"] .status`, 'VALID');
    await waitForStatus(owner, `tr[data-role="${w.invalidRole}"] .status`, 'INVALID');
    expect(
      await owner.locator(`tr[data-role="${w.invalidRole}"] td`).nth(1).textContent(),
    ).not.toBe('—');
    await checkPage(owner, '07-roles');
    await admin.waitForFunction(
      (arn) => document.querySelector('.roles')?.textContent?.includes(`${arn}: INVALID`) ?? false,
      w.invalidRole,
      { timeout: 15_000 },
    );
    expect(await admin.locator('.roles').textContent()).toContain(`${w.validRole}: VALID`);
    await checkPage(admin, '08-space-verified');

    // The administrator's controls: the tier (paid tiers are authorized), then removal.
    await admin.getByLabel('Tier').selectOption('STANDARD');
    await admin.getByRole('button', { name: 'Change tier' }).click();
    await admin.getByText('The space is on the STANDARD tier.').waitFor();
    await admin.getByRole('button', { name: `Remove ${XSS}` }).click();
    await admin.getByText('No AWS account is connected to this space yet.').waitFor();

    // Sign out forgets the key.
    await admin.getByRole('button', { name: 'Sign out' }).click();
    await admin.getByLabel('API key').waitFor();
    expect(await admin.evaluate(() => window.sessionStorage.length)).toBe(0);
    expectContained(seenByAdmin, [w.userKey, token]);
    expectContained(seenByOwner, [w.accountKey, token]);
  });

  it('shows one not-found message, and nothing of the space, for every token it cannot verify', async () => {
    const w = await portalWorld('secret-space-name');
    const used = await requestToken(w);
    await ok(
      'mutation($t: String!) { acceptAccountConnection(input: { token: $t }) { id } }',
      { t: used },
      { token: w.accountKey, region: 'us-west-2' },
    );
    await ok(
      'mutation($id: ID!) { deleteAccountConnection(connectionId: $id) { id } }',
      {
        id: (
          await ok<{ accountConnections: { edges: { node: { id: string } }[] } }>(
            '{ accountConnections(first: 1) { edges { node { id } } } }',
            {},
            { token: w.accountKey, region: 'us-west-2' },
          )
        ).accountConnections.edges[0]?.node.id,
      },
      { token: w.userKey },
    );
    const replaced = await requestToken(w);
    await requestToken(w);
    const cases: [string, string][] = [
      ['unknown', 'cct_' + 'A'.repeat(43)],
      ['used', used],
      ['replaced', replaced],
    ];
    // Expired: a tenant whose tokens live one second.
    const short = await portalWorld('expiring-space');
    await ok(
      'mutation { updateTenantSettings(input: { connectionTokenTtlSeconds: 1 }) { connectionTokenTtlSeconds } }',
      {},
      short.tenant.admin,
    );
    const expired = await requestToken(short);
    await new Promise((r) => setTimeout(r, 1500));
    const page = await (await context()).newPage();
    const seen = watch(page);
    await page.goto(`${apiUrl()}/portal/`);
    await signIn(page, w.accountKey);
    for (const [name, token] of [...cases, ['expired', expired] as [string, string]]) {
      await page.goto(verifyLink(token));
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect({ name, text: await alert.textContent() }).toEqual({
        name,
        text: `${NOT_FOUND} (NOT_FOUND)`,
      });
      const text = (await page.locator('main').textContent()) ?? '';
      expect({
        name,
        leaks: ['secret-space-name', 'expiring-space', 'Staging'].filter((s) => text.includes(s)),
      }).toEqual({
        name,
        leaks: [],
      });
      expect(await page.getByRole('button', { name: 'Verify space' }).count()).toBe(0);
    }
    await checkPage(page, '09-token-not-found');
    expectContained(seen, [w.accountKey]);
  });

  it('completes the flow with the keyboard alone', async () => {
    const w = await portalWorld('keyboard-space');
    const admin = await (await context()).newPage();
    await admin.goto(`${apiUrl()}/portal/`);
    await tabTo(admin, 'API key');
    await admin.keyboard.type(w.userKey);
    await admin.keyboard.press('Enter');
    await admin.getByRole('heading', { name: 'Your spaces' }).waitFor();
    await tabTo(admin, 'keyboard-space');
    await admin.keyboard.press('Enter');
    await admin.locator('[data-live="true"]').waitFor();
    await tabTo(admin, 'Add an AWS account');
    await admin.keyboard.press('Enter');
    // The form takes the focus on its first field (once it is rendered).
    await admin.waitForFunction(() => document.activeElement?.id === 'account-id');
    await admin.keyboard.type(ACCOUNT);
    await tabTo(admin, 'Amazon CodeCatalyst display name');
    await admin.keyboard.type('Keyboard account');
    await admin.keyboard.press('Enter');
    const linkField = admin.getByLabel('Verification link');
    await linkField.waitFor();
    const link = await linkField.inputValue();

    const owner = await (await context()).newPage();
    await owner.goto(link);
    await tabTo(owner, 'API key');
    await owner.keyboard.type(w.accountKey);
    await owner.keyboard.press('Enter');
    await owner.getByText('This is a valid token.').waitFor();
    await tabTo(owner, 'Authorize paid tiers (Standard, Enterprise)');
    await owner.keyboard.press('Space');
    await tabTo(owner, 'Verify space');
    await owner.keyboard.press('Enter');
    await owner.getByText('Account verified').waitFor();
    await tabTo(owner, 'IAM role ARN');
    await owner.keyboard.type(w.validRole);
    await owner.keyboard.press('Enter');
    await waitForStatus(owner, `tr[data-role="${w.validRole}"] .status`, 'VALID');
    await waitForStatus(admin, 'tbody .status', 'VERIFIED');
    expect(await admin.locator('tbody tr').first().textContent()).toContain('Authorized');
  });

  it('keeps what was typed when the API cannot be reached, and says so', async () => {
    const w = await portalWorld('offline-space');
    const ctx = await context();
    const page = await ctx.newPage();
    await page.goto(`${apiUrl()}/portal/`);
    await signIn(page, w.userKey);
    await page.getByRole('link', { name: 'offline-space' }).click();
    await page.getByRole('button', { name: 'Add an AWS account' }).click();
    await page.getByLabel('AWS account ID').fill(ACCOUNT);
    await page.getByLabel('Amazon CodeCatalyst display name').fill('Kept');
    await ctx.route('**/graphql', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: 'Associate AWS account' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe(
      'AccountLink could not be reached. Your input is kept; try again. (NETWORK)',
    );
    expect(await page.getByLabel('Amazon CodeCatalyst display name').inputValue()).toBe('Kept');
    await ctx.unroute('**/graphql');
    await page.getByRole('button', { name: 'Associate AWS account' }).click();
    await page.getByLabel('Verification link').waitFor();
    // A wrong key at sign-in: the words and the code.
    const other = await ctx.newPage();
    await other.goto(`${apiUrl()}/portal/`);
    await other.getByLabel('API key').fill('alk_not-a-key');
    await other.getByRole('button', { name: 'Sign in' }).click();
    const refused = other.getByRole('alert');
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(
      /^This API key was not accepted\..*\(UNAUTHENTICATED\)$/,
    );
  });
});
