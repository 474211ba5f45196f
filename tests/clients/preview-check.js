#!/usr/bin/env node
// Opens the web preview (index.html) in headless Chromium through
// playwright-core, clicks every point marker, and prints what a person would
// have seen, as one JSON object, for tests/preview_browser.rs to judge.
//
//   node tests/clients/preview-check.js PAGE [--screenshot PNG]
//
// Chromium is Debian's (/usr/bin/chromium, or $CHROMIUM), never a browser
// that Playwright downloads. It runs headless with a fresh profile, no
// sandbox, GPU, QUIC, first-run, background networking, component updates or
// sync.
//
// The report:
//   title, heading, credit, legend, switcher  the page's texts
//   console     every console message: { type, text }
//   pageErrors  uncaught exceptions
//   dialogs     alert/confirm/prompt messages (each dismissed)
//   requests    every URL the page asked for, the page itself included
//   failed      requests that failed: { url, error }
//   counts      how many elements carry each `geoevents-<layer>` class
//   popups      per point marker, in DOM order: { layer, id, how, text, html }
//               (how: `click`, a real mouse click, or `dispatch`, a click
//               event sent to a marker that another covers; text: the
//               popup's textContent; html: its innerHTML)
//   clickErrors markers that could not be clicked: { layer, id, error }
// Exit status: 0 when the page was opened and checked (whatever it showed),
// 2 on a usage error or when Chromium cannot be started.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { pathToFileURL } = require('url');
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const TIMEOUT_MS = 15000;

function parseArgs(argv) {
  const args = { page: null, screenshot: null };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--screenshot' && i + 1 < argv.length) {
      args.screenshot = argv[++i];
    } else if (!args.page && !argv[i].startsWith('--')) {
      args.page = argv[i];
    } else {
      return null;
    }
  }
  return args.page ? args : null;
}

/** The layer class (`geoevents-<layer>`) of an element's class list. */
function layerOf(className) {
  const found = String(className).split(/\s+/).find((c) => c.startsWith('geoevents-'));
  return found ? found.slice('geoevents-'.length) : null;
}

async function check(page, args) {
  const report = {
    console: [],
    pageErrors: [],
    dialogs: [],
    requests: [],
    failed: [],
    popups: [],
    clickErrors: [],
  };
  const context = page.context();
  context.on('request', (r) => report.requests.push(r.url()));
  context.on('requestfailed', (r) =>
    report.failed.push({ url: r.url(), error: (r.failure() || {}).errorText || '' }));
  page.on('console', (m) => report.console.push({ type: m.type(), text: m.text() }));
  page.on('pageerror', (e) => report.pageErrors.push(String(e && e.stack || e)));
  page.on('dialog', async (d) => {
    report.dialogs.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });

  await page.goto(pathToFileURL(path.resolve(args.page)).href, { waitUntil: 'load' });
  // The page's script has run once its legend is on the map (or failed).
  await page
    .waitForSelector('.leaflet-control .ge-legend, #ge-error:not([hidden])', { timeout: TIMEOUT_MS })
    .catch(() => {});

  const text = (selector) =>
    page.$eval(selector, (e) => e.textContent.trim()).catch(() => null);
  report.title = await page.title();
  report.heading = await text('h1');
  report.credit = await text('.ge-credit');
  report.legend = await text('.ge-legend');
  report.switcher = await page.$$eval('.leaflet-control-layers-overlays label', (labels) =>
    labels.map((l) => ({ text: l.textContent.trim(), checked: !!l.querySelector('input:checked') })));
  report.error = await page.$eval('#ge-error', (e) => (e.hidden ? null : e.textContent));
  report.counts = await page.$$eval('[class*="geoevents-"]', (elements) => {
    const counts = {};
    for (const e of elements) {
      for (const c of e.classList) {
        if (c.startsWith('geoevents-')) counts[c.slice(10)] = (counts[c.slice(10)] || 0) + 1;
      }
    }
    return counts;
  });

  if (args.screenshot) {
    await page.screenshot({ path: args.screenshot });
  }

  // Each marker is clicked as a person would; one that another marker covers
  // (two events at one place) gets its click event dispatched instead.
  const markers = await page.$$('.leaflet-ge-points-pane path.leaflet-interactive');
  for (const marker of markers) {
    const layer = layerOf(await marker.getAttribute('class'));
    const id = await marker.getAttribute('data-feature-id');
    try {
      await page.$$eval('.leaflet-popup-close-button', (buttons) => buttons.forEach((b) => b.click()));
      await page.waitForSelector('.leaflet-popup', { state: 'detached', timeout: 5000 });
      let how = 'click';
      try {
        await marker.click({ timeout: 2000 });
      } catch (err) {
        how = 'dispatch';
        await marker.dispatchEvent('click');
      }
      const popup = await page.waitForSelector('.leaflet-popup-content', { timeout: 5000 });
      report.popups.push({
        layer,
        id,
        how,
        text: await popup.evaluate((e) => e.textContent),
        html: await popup.evaluate((e) => e.innerHTML),
      });
    } catch (err) {
      report.clickErrors.push({ layer, id, error: String(err.message || err).split('\n')[0] });
    }
  }
  return report;
}

async function main(argv) {
  const args = parseArgs(argv);
  if (!args) {
    console.error('usage: preview-check.js PAGE [--screenshot PNG]');
    return 2;
  }
  if (!fs.existsSync(args.page)) {
    console.error(`${args.page}: no such file`);
    return 2;
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'geoevents-chromium-'));
  let context;
  try {
    try {
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: FLAGS,
        viewport: { width: 1280, height: 900 },
        timeout: 60000,
      });
    } catch (err) {
      console.error(`cannot start ${CHROMIUM}: ${err.message}`);
      return 2;
    }
    context.setDefaultTimeout(TIMEOUT_MS);
    const page = context.pages()[0] || (await context.newPage());
    const report = await check(page, args);
    process.stdout.write(JSON.stringify(report, null, 1) + '\n');
    return 0;
  } finally {
    if (context) await context.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (status) => { process.exitCode = status; },
  (err) => {
    console.error(err && err.stack || String(err));
    process.exitCode = 2;
  },
);
