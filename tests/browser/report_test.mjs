// Browser test of the HTML report: Debian's Chromium (headless) opens report.html from a file with
// the network off, and the test checks the page as a person would use it: the graph is drawn, every
// finding is listed, a click on a finding shows its stacks, a click on a graph edge shows its
// evidence, and the lock search finds a lock (a page of races alone says it has no graph and
// gives the evidence its room). Saves a screenshot as an artifact.
//
// Usage: node report_test.mjs REPORT.html EXPECTED_FINDINGS SCREENSHOT.png
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';

const [report, expectedFindings, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
let failures = 0;
async function check(name, body) {
  try {
    await body();
    console.log(`ok: ${name}`);
  } catch (error) {
    failures++;
    console.log(`FAILED: ${name}: ${error.message}`);
  }
}
try {
  const context = await browser.newContext({ offline: true, viewport: { width: 1400, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(pathToFileURL(report).href);

  await check('the page runs its script without errors', async () => assert.deepEqual(errors, []));
  const locks = await page.evaluate(() => Number(document.querySelector('header').textContent.match(/(\d+) lock\(s\)/)[1]));
  if (locks > 0) {
    await check('the graph SVG is inline', async () => assert.ok(await page.locator('#graph svg g.node').count() >= 2));
  } else {
    // Races only: the page says there is no graph and gives its room to the evidence.
    await check('without locks, the page says there is no graph and hides the lock search', async () => {
      assert.match(await page.locator('#graph').textContent(), /No lock was recorded/);
      assert.equal(await page.locator('#search').isVisible(), false);
    });
    await check('without locks, the evidence starts in the first screen', async () => {
      const box = await page.locator('#details').boundingBox();
      assert.ok(box.y < 400, `the evidence starts ${box.y} px down`);
    });
  }
  await check('every finding is listed', async () =>
    assert.equal(await page.locator('[data-finding]').count(), Number(expectedFindings)));

  await check('each finding names the program it came from', async () => {
    const programs = await page.locator('[data-finding] .program').allTextContents();
    assert.equal(programs.length, Number(expectedFindings));
    for (const p of programs) assert.match(p, /^in .+ \(pid \d+\)/);
  });
  await check('a long list of trace files is folded', async () => {
    const processes = await page.evaluate(() => document.querySelector('header').textContent.match(/(\d+) process\(es\)/)[1]);
    assert.equal(await page.locator('header details.traces').count(), Number(processes) > 3 ? 1 : 0);
  });

  // A suite's hundreds of findings: the first 25 are clicked through.
  const findings = page.locator('[data-finding]');
  for (let i = 0; i < Math.min(await findings.count(), 25); i++) {
    const item = findings.nth(i);
    const title = await item.locator('.title').textContent();
    await check(`a click on finding "${title}" reveals its stacks`, async () => {
      await item.click();
      assert.equal(await page.locator('#details .body').getAttribute('data-selected'), await item.getAttribute('data-finding'));
      const text = await page.locator('#details .body').textContent();
      assert.match(text, /\.cpp:\d+/, 'a source location');
      assert.ok((await page.locator('#details .stack').count()) >= 1, 'a stack box');
      assert.ok((await page.locator('#details pre.snippet').count()) >= 1, 'a source snippet');
    });
  }

  if (locks > 0) await check('a click on a graph edge shows that edge\'s evidence', async () => {
    await page.locator('#graph svg g.edge').first().click({ force: true });
    const selected = await page.locator('#details .body').getAttribute('data-selected');
    assert.match(selected, /^edge\d+$/);
    assert.match(await page.locator('#details .body').textContent(), /was taken at/);
  });

  if (locks > 0) await check('searching a lock by name marks it in the graph', async () => {
    const firstLabel = await page.evaluate(() => {
      const data = JSON.parse(document.getElementById('evidence').textContent);
      return Object.values(data.nodes)[0].label;
    });
    await page.fill('#search', firstLabel);
    assert.ok((await page.locator('#graph svg g.node.match').count()) >= 1);
  });

  await page.locator('[data-finding]').first().click();
  await page.screenshot({ path: screenshot, fullPage: true });
  console.log(`screenshot: ${screenshot}`);
} finally {
  await browser.close();
}
console.log(`${failures === 0 ? 'all browser checks passed' : failures + ' browser check(s) failed'}`);
process.exit(failures === 0 ? 0 : 1);
