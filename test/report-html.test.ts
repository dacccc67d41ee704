/**
 * report.html in headless Chromium: every figure loads, nothing is fetched
 * from the network, no console error, and a screenshot can be taken.
 */
import test from 'ava';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import pngjs from 'pngjs';
import { robustness } from '../stdlib/stages/robustness.js';
import { buildFixture, context } from './fixtures/report/study-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const browserTest = existsSync(CHROMIUM) ? test : test.skip;
if (!existsSync(CHROMIUM)) {
  console.warn(
    `report-html: ${CHROMIUM} is absent (apt-get install chromium); the browser test is skipped`,
  );
}

browserTest(
  'report.html opens in headless Chromium with every figure loaded and no console error',
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'alignlab-html-'));
    const fx = await buildFixture(dir);
    await robustness.run(context(dir), fx.params);
    const page = join(dir, 'out', 'report', 'report.html');

    const context_ = await chromium.launchPersistentContext(
      mkdtempSync(join(tmpdir(), 'alignlab-chromium-')),
      {
        executablePath: CHROMIUM,
        args: ARGS,
        headless: true,
      },
    );
    try {
      const tab = await context_.newPage();
      const errors: string[] = [];
      const requests: string[] = [];
      tab.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      tab.on('pageerror', (e) => errors.push(String(e)));
      tab.on('request', (r) => requests.push(r.url()));

      await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });
      const images = await tab.$$eval('img', (list) =>
        list.map((img) => ({ complete: img.complete, w: img.naturalWidth, h: img.naturalHeight })),
      );
      t.is(images.length, 9);
      for (const [i, img] of images.entries())
        t.true(img.complete && img.w > 0 && img.h > 0, `img ${i}: ${JSON.stringify(img)}`);
      t.deepEqual(errors, []);
      t.deepEqual(
        requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')),
        [],
      );
      t.regex(await tab.title(), /Synthetic robustness fixture/);
      t.true((await tab.$$('table')).length >= 8);

      const shot = await tab.screenshot({ fullPage: true });
      writeFileSync(join(dir, 'report.png'), shot);
      const png = pngjs.PNG.sync.read(shot);
      t.true(png.width > 600 && png.height > 2000, `screenshot ${png.width}x${png.height}`);
      t.log(`screenshot: ${join(dir, 'report.png')}`);
    } finally {
      await context_.close();
    }
    t.true(readFileSync(page, 'utf8').includes('Content-Security-Policy'));
  },
);
