import { expect, test } from '@playwright/test';
import path from 'path';
import { openEntityPage, signInAsGuest } from './signIn';

const SCREENSHOT = path.resolve(__dirname, '..', 'e2e-test-report', 'incident-page.png');

test('an incident commander declares, acknowledges, updates and resolves an incident', async ({ page }) => {
  await signInAsGuest(page);
  await openEntityPage(page, '/catalog/default/component/cart-service/incidents', p =>
    expect(p.getByRole('button', { name: 'Declare incident' })).toBeVisible({ timeout: 5_000 }),
  );

  await page.getByRole('button', { name: 'Declare incident' }).click();
  const dialog = page.getByRole('dialog', { name: 'Declare incident' });
  // The severity matrix helps choose: it comes from the backend.
  await expect(dialog.getByText('Degraded service for >25% users, key feature down')).toBeVisible();
  await dialog.getByLabel('Title').fill('Cart totals wrong after pricing deploy (e2e)');
  await dialog.getByRole('radio', { name: 'SEV2' }).check();
  await dialog.getByLabel('What users see').fill('Some carts show totals without the discount.');
  await dialog.getByRole('button', { name: 'Declare SEV2' }).click();

  // The incident page of the new incident.
  await expect(page.getByRole('heading', { name: 'Cart totals wrong after pricing deploy (e2e)' })).toBeVisible();
  await expect(page.getByTestId('incident-status')).toHaveText('declared');
  await expect(page.getByText(/Next status update due in (29|30) min/)).toBeVisible();
  await expect(page.getByRole('table', { name: 'Roles' }).getByText('Guest')).toBeVisible();

  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByTestId('incident-status')).toHaveText('investigating');

  const update = page.getByRole('form', { name: 'Status update' });
  await update.getByLabel(/Conditions/).fill('Carts with discount codes show the full price.');
  await update.getByLabel(/Actions/).fill('Rolling back pricing-rules 4.2.');
  await update.getByLabel(/Needs/).fill('None right now.');
  await update.getByRole('button', { name: 'Post update' }).click();
  const timeline = page.getByRole('table', { name: 'Timeline' });
  await expect(timeline.getByText('[SEV2 UPDATE] cart-service — investigating')).toBeVisible();

  await page.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByTestId('incident-status')).toHaveText('resolved');
  await expect(timeline.getByText('Status investigating → resolved')).toBeVisible();
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // Back on the service, the incident is in the history.
  await page.goto('/catalog/default/component/cart-service/incidents');
  await expect(page.getByRole('link', { name: 'Cart totals wrong after pricing deploy (e2e)' })).toBeVisible();
});
