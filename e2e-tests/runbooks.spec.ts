import { expect, test } from '@playwright/test';
import path from 'path';
import { openEntityPage, signInAsGuest } from './signIn';

const SCREENSHOT = path.resolve(__dirname, '..', 'e2e-test-report', 'runbooks-tab.png');

test('a service owner writes a runbook from the template and records a passed drill', async ({ page }) => {
  await signInAsGuest(page);
  await openEntityPage(page, '/catalog/default/component/payment-gateway/runbooks', p =>
    expect(p.getByRole('button', { name: 'New runbook' }).first()).toBeVisible({ timeout: 5_000 }),
  );

  await page.getByRole('button', { name: 'New runbook' }).first().click();
  await page.locator('#new-runbook-title').fill('Card authorisations failing (e2e)');
  await page.getByRole('button', { name: 'Create' }).click();

  // The editor opens with the template, filled in from the catalog.
  const body = page.locator('#runbook-body');
  await expect(body).toHaveValue(/## Quick Reference/);
  await expect(body).toHaveValue(/component:default\/payment-gateway/);
  await expect(body).toHaveValue(/group:default\/payments/);
  await body.fill(`${await body.inputValue()}\n## Notes\nCheck the provider status page first.\n`);
  await page.locator('#runbook-change-note').fill('Provider status page first');
  await page.getByRole('button', { name: 'Save' }).click();

  // Untested: the badge says so.
  const row = page.getByRole('row', { name: /Card authorisations failing \(e2e\)/ });
  await expect(row.getByText('never tested')).toBeVisible();

  await page.getByRole('button', { name: 'Record drill' }).click();
  await page.locator('#drill-outcome').selectOption('passed');
  await page.locator('#drill-notes').fill('Failover to the secondary provider took 4 minutes.');
  await page.getByRole('button', { name: 'Save drill' }).click();

  await expect(row.getByText('fresh')).toBeVisible();
  await expect(page.getByRole('table', { name: 'Drills and game days' }).getByText('passed')).toBeVisible();
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
});
