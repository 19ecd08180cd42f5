// The dashboard end to end in headless Chromium, against the demo suite that tests/browser/run.sh
// started with tools/run-demo.sh (DUNBAR_URL, DUNBAR_TOKEN). It signs in (a wrong token first),
// sees batch 1 of 私房课 at 46/50, enrols people until batch 1 is full and batch 2 appears, opens
// the roster, records an outcome from today's outreach plan and sees the funnel count it.
// Every step leaves a screenshot in DUNBAR_ARTIFACTS (default tests/browser/artifacts/). On a
// failure it prints the page's visible error texts and exits 1.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const url = process.env.DUNBAR_URL;
const token = process.env.DUNBAR_TOKEN;
const artifacts = process.env.DUNBAR_ARTIFACTS || path.join(here, 'artifacts');
const PROGRAMME = '私房课';
const STEP_TIMEOUT_MS = 15000;

if (!url || !token) {
  console.error('e2e: set DUNBAR_URL and DUNBAR_TOKEN (tests/browser/run.sh does)');
  process.exit(2);
}
mkdirSync(artifacts, { recursive: true });

let shot = 0;
async function screenshot(page, name) {
  shot += 1;
  const file = path.join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`  screenshot ${path.relative(process.cwd(), file)}`);
}

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function step(name, work) {
  console.log(`- ${name}`);
  await work();
}

const programmeCard = (page) => page.locator(`[data-testid="program-card"][data-program-name="${PROGRAMME}"]`);
const batchRow = (page, number) => programmeCard(page).locator(`[data-testid="batch"][data-cohort-number="${number}"]`);

async function batchSeats(page, number) {
  return Number(await batchRow(page, number).getByTestId('batch-fill').getAttribute('aria-valuenow'));
}

async function funnelTotals(page) {
  const contacted = page.getByTestId('funnel-total-contacted');
  await contacted.waitFor();
  return {
    contacted: Number(await contacted.textContent()),
    replied: Number(await page.getByTestId('funnel-total-replied').textContent()),
  };
}

// The funnel view keeps its last figures while it reloads: wait for the expected ones.
async function waitForFunnel(page, expected) {
  await page.waitForFunction((want) => {
    const read = (series) => Number(document.querySelector(`[data-testid="funnel-total-${series}"]`)?.textContent);
    return read('contacted') === want.contacted && read('replied') === want.replied;
  }, expected, { timeout: STEP_TIMEOUT_MS }).catch(() => {});
  return funnelTotals(page);
}

async function run(page) {
  await step('a wrong token is refused in plain words', async () => {
    await page.goto(url);
    await page.getByTestId('token-input').fill('dbr_not-a-real-token');
    await page.getByTestId('sign-in').click();
    const error = page.getByTestId('sign-in-error');
    await error.waitFor();
    const text = await error.textContent();
    check(/token not accepted/.test(text), `sign-in error says "${text}", not "token not accepted"`);
    await screenshot(page, 'wrong-token');
  });

  await step('sign in with the demo operator token', async () => {
    await page.getByTestId('token-input').fill(token);
    await page.getByTestId('sign-in').click();
    await page.getByTestId('view-programs').waitFor();
    await programmeCard(page).waitFor();
    await page.getByTestId('sign-out').waitFor();
  });

  await step(`batch 1 of ${PROGRAMME} shows 46/50`, async () => {
    const fill = batchRow(page, 1).getByTestId('batch-fill');
    await fill.waitFor();
    await page.waitForFunction(
      () => document.querySelector('[data-testid="batch"][data-cohort-number="1"] [data-testid="batch-fill"]')?.textContent === '46/50',
      null, { timeout: STEP_TIMEOUT_MS });
    check((await batchRow(page, 1).getByTestId('batch-state').textContent()) === 'open', 'batch 1 is not open');
    check((await batchRow(page, 2).count()) === 0, 'batch 2 exists before batch 1 is full');
    await screenshot(page, 'batch-46-of-50');
  });

  await step('enrol people until batch 1 is full and batch 2 opens', async () => {
    const card = programmeCard(page);
    await card.getByTestId('enrol-open').click();
    await card.getByTestId('enrol-find').click();  // empty search: contacts not yet enrolled
    const enrolled = new Set();
    for (let attempt = 0; attempt < 8 && (await batchRow(page, 2).count()) === 0; attempt += 1) {
      const seatsBefore = await batchSeats(page, 1);
      const candidate = card.getByTestId('enrol-candidate').first();
      await candidate.waitFor({ timeout: STEP_TIMEOUT_MS });
      const memberId = await candidate.getAttribute('data-member-id');
      check(!enrolled.has(memberId), `member ${memberId} is offered again after being enrolled`);
      enrolled.add(memberId);
      await candidate.click();
      // The candidate list is searched again after the enrolment: the member leaves it.
      await card.locator(`[data-testid="enrol-candidate"][data-member-id="${memberId}"]`)
        .waitFor({ state: 'detached', timeout: STEP_TIMEOUT_MS });
      const notice = await card.getByTestId('enrol-result').textContent();
      check(/enrolled, seat \d+ in 私房课 第1期/.test(notice), `enrol notice: "${notice}"`);
      if (seatsBefore + 1 < 50) {
        check((await batchSeats(page, 1)) === seatsBefore + 1, `batch 1 did not go from ${seatsBefore} to ${seatsBefore + 1}`);
      }
    }
    check(enrolled.size === 4, `batch 2 appeared after ${enrolled.size} enrolments, not 4`);
    await batchRow(page, 2).waitFor();
    check((await batchRow(page, 1).getByTestId('batch-fill').textContent()) === '50/50', 'batch 1 is not 50/50');
    check((await batchRow(page, 1).getByTestId('batch-state').textContent()) === 'full', 'batch 1 is not full');
    check((await batchRow(page, 2).getByTestId('batch-fill').textContent()) === '0/50', 'batch 2 is not 0/50');
    check((await batchRow(page, 2).textContent()).includes('私房课 第2期'), 'batch 2 is not named 私房课 第2期');
    const notice = await card.getByTestId('enrol-result').textContent();
    check(/now full; 私房课 第2期 opened/.test(notice), `last enrol notice: "${notice}"`);
    await screenshot(page, 'batch-2-opened');
  });

  await step("batch 1's roster lists 50 people by name", async () => {
    await batchRow(page, 1).getByTestId('show-roster').click();
    const entries = programmeCard(page).getByTestId('roster-entry');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="roster-entry"]').length === 50,
      null, { timeout: STEP_TIMEOUT_MS });
    const first = await entries.first().textContent();
    check(/^1\D/.test(first), `the roster does not start with seat 1: "${first}"`);
    await screenshot(page, 'roster');
  });

  let before;
  let completedCampaign = '';  // the campaign of the task given an outcome, if it has one
  await step('the funnel before any outcome', async () => {
    await page.getByTestId('tab-funnel').click();
    before = await funnelTotals(page);
    await page.getByTestId('funnel-chart').waitFor();
    await screenshot(page, 'funnel-before');
  });

  await step("record an outcome from today's outreach plan", async () => {
    await page.getByTestId('tab-outreach').click();
    const openTask = page.locator('[data-testid="plan-task"][data-status="OPEN"]').first();
    await openTask.waitFor({ timeout: STEP_TIMEOUT_MS });
    const taskId = await openTask.getAttribute('data-task-id');
    const reason = await openTask.getByTestId('task-reason').textContent();
    const campaign = openTask.getByTestId('task-campaign');
    completedCampaign = (await campaign.count()) ? await campaign.textContent() : '';
    check(/never contacted|days ago/.test(reason), `the task does not say when they were last contacted: "${reason}"`);
    await screenshot(page, 'plan');
    await openTask.getByTestId('outcome-REPLIED').click();
    const done = page.locator(`[data-testid="plan-task"][data-task-id="${taskId}"][data-status="DONE"]`);
    await done.waitFor({ timeout: STEP_TIMEOUT_MS });
    const outcome = await done.getByTestId('task-outcome').textContent();
    check(/outcome: replied/.test(outcome), `the done task says "${outcome}"`);
    await screenshot(page, 'outcome-recorded');
  });

  await step('the funnel counts it', async () => {
    await page.getByTestId('tab-funnel').click();
    const after = await waitForFunnel(page, { contacted: before.contacted + 1, replied: before.replied + 1 });
    check(after.contacted === before.contacted + 1, `contacted went ${before.contacted} -> ${after.contacted}`);
    check(after.replied === before.replied + 1, `replied went ${before.replied} -> ${after.replied}`);
    check((await page.locator('[data-testid="funnel-chart"] rect.contacted').count()) >= 1, 'no point on the chart');
    await screenshot(page, 'funnel-after');
    if (completedCampaign) {
      const option = page.locator(`[data-testid="funnel-campaign"] option[data-name="${completedCampaign}"]`);
      await page.getByTestId('funnel-campaign').selectOption(await option.getAttribute('value'));
      const ofCampaign = await waitForFunnel(page, { contacted: 1, replied: 1 });
      check(ofCampaign.contacted === 1, `campaign "${completedCampaign}" shows ${ofCampaign.contacted} contacted, not 1`);
      await screenshot(page, 'funnel-of-campaign');
    }
  });

  await step('contacts: filter by tag, import a CSV, find the new contact by WeChat id', async () => {
    await page.getByTestId('tab-contacts').click();
    await page.getByTestId('filter-tag').fill('vip');
    await page.getByTestId('filter-apply').click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="contact-row"]')];
      return rows.length > 0 && rows.every((row) => row.textContent.includes('vip'));
    }, null, { timeout: STEP_TIMEOUT_MS });
    await page.getByTestId('import-panel').locator('summary').click();
    await page.getByTestId('import-file').setInputFiles({
      name: 'new-contacts.csv', mimeType: 'text/csv',
      buffer: Buffer.from('name,wechat_id,tags,connection_point\n林黛玉,wx_e2e_daiyu,读书会;vip,"读书会 第9期, 线下"\nnobody without a handle,,,\n'),
    });
    await page.getByTestId('import-start').click();
    await page.waitForFunction(() => /^2\/2 rows: 1 created, 0 merged, 1 rejected$/.test(
      document.querySelector('[data-testid="import-counts"]')?.textContent || ''), null, { timeout: STEP_TIMEOUT_MS });
    const problems = await page.getByTestId('import-problems').textContent();
    check(/line 3 rejected: handle/.test(problems), `the import does not name the rejected line: "${problems}"`);
    await page.getByTestId('find-kind').selectOption('HANDLE_WECHAT');
    await page.getByTestId('find-value').fill('wx_e2e_daiyu');
    await page.getByTestId('find-submit').click();
    const detail = page.getByTestId('contact-detail');
    await detail.waitFor();
    check((await detail.getByTestId('contact-name').textContent()) === '林黛玉', 'the contact found is not 林黛玉');
    check((await detail.textContent()).includes('读书会 第9期, 线下'), 'the connection point did not survive the CSV');
    await screenshot(page, 'contacts');
  });

  await step('sign out', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('token-input').waitFor();
    check(!(await page.locator('#workspace').isVisible()), 'the workspace is still visible after signing out');
  });
}

const profile = mkdtempSync(path.join(tmpdir(), 'dunbar-e2e-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
context.setDefaultTimeout(STEP_TIMEOUT_MS);
const page = context.pages()[0] || (await context.newPage());
const pageErrors = [];
page.on('pageerror', (error) => pageErrors.push(error.message));
// Every API call must carry the bearer token, and every mutation its own Idempotency-Key.
const apiProblems = [];
const idempotencyKeys = new Set();
page.on('request', (request) => {
  const { pathname } = new URL(request.url());
  if (!pathname.startsWith('/v1/')) return;
  const headers = request.headers();
  if (!/^Bearer \S+$/.test(headers.authorization || '')) apiProblems.push(`${request.method()} ${pathname} without a bearer token`);
  if (request.method() === 'GET') return;
  const key = headers['idempotency-key'];
  if (!key) apiProblems.push(`${request.method()} ${pathname} without an Idempotency-Key`);
  else if (idempotencyKeys.has(key)) apiProblems.push(`${request.method()} ${pathname} reuses Idempotency-Key ${key}`);
  idempotencyKeys.add(key);
});
page.on('console', (message) => {
  if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
});

let failed = false;
try {
  await run(page);
  // The wrong-token step logs a 401 in the console by design; anything else is a bug.
  const unexpected = pageErrors.filter((text) => !/401/.test(text));
  check(unexpected.length === 0, `the page reported errors:\n  ${unexpected.join('\n  ')}`);
  check(apiProblems.length === 0, `API calls without the right headers:\n  ${apiProblems.join('\n  ')}`);
  check(idempotencyKeys.size >= 5, `only ${idempotencyKeys.size} mutations were seen`);
  console.log('e2e: PASS');
} catch (error) {
  failed = true;
  console.error(`e2e: FAIL: ${error.message}`);
  try {
    const alerts = await page.locator('[role="alert"]:visible').allTextContents();
    console.error(`visible error texts on the page: ${alerts.length ? alerts.map((t) => `"${t}"`).join(', ') : '(none)'}`);
    if (pageErrors.length) console.error(`page errors:\n  ${pageErrors.join('\n  ')}`);
    await page.screenshot({ path: path.join(artifacts, 'failure.png'), fullPage: true });
    console.error(`screenshot of the failure: ${path.join(artifacts, 'failure.png')}`);
  } catch (inner) {
    console.error(`(could not inspect the page: ${inner.message})`);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
