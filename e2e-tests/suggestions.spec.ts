import { expect, test } from '@playwright/test';
import path from 'path';
import { openEntityPage, signInAsGuest } from './signIn';

const SCREENSHOT = path.resolve(__dirname, '..', 'e2e-test-report', 'declare-suggestions.png');
const TITLE = `Checkout API errors for one card network (suggestions e2e ${Date.now()})`;

test('the declare dialog suggests a commander with reasons naming the owning team; picking one makes them commander', async ({ page }) => {
  await signInAsGuest(page);

  // Liam Chen (payments) has no training record in the demo history, so no level yet. The guest
  // leads SRE and Payments and so may read his reputation and record his training: basic
  // training lifts him to a level that may command a SEV3.
  await openEntityPage(page, '/catalog/default/user/liam-chen/reputation', p =>
    expect(p.getByTestId('reputation-level')).toBeVisible({ timeout: 5_000 }),
  );
  await page.getByRole('button', { name: 'Record training' }).click();
  const training = page.getByRole('dialog', { name: 'Record training' });
  await training.getByLabel('Issuer').fill('Acme SRE Academy');
  await training.getByRole('button', { name: 'Record training' }).click();
  await expect(training).toBeHidden();
  await expect(page.getByTestId('reputation-level')).toHaveText(/^Level [2-5]: /);

  // Declare on checkout-api, which the payments team owns.
  await openEntityPage(page, '/catalog/default/component/checkout-api/incidents', p =>
    expect(p.getByRole('button', { name: 'Declare incident' })).toBeVisible({ timeout: 5_000 }),
  );
  await page.getByRole('button', { name: 'Declare incident' }).click();
  const dialog = page.getByRole('dialog', { name: 'Declare incident' });
  await expect(dialog.getByText('Minor feature broken, workaround available')).toBeVisible();
  await expect(dialog.getByText('checkout-api (component:default/checkout-api)')).toBeVisible();

  const suggested = dialog.getByTestId('draft-suggestions');
  const liam = suggested.getByTestId('candidate-incident-commander-user:default/liam-chen');
  // Reputation may be cached by the backend for a minute: choose the severity again until it shows.
  await expect(async () => {
    await dialog.getByRole('radio', { name: 'SEV4' }).check();
    await dialog.getByRole('radio', { name: 'SEV3' }).check();
    await expect(suggested.getByTestId('suggestions-explanation')).toContainText('for this SEV3', { timeout: 5_000 });
    await expect(liam).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 90_000 });
  await expect(suggested.getByText(/never an assignment/)).toBeVisible();

  // Why? names the owning team.
  await liam.getByRole('button', { name: 'Why?' }).click();
  await expect(
    liam.getByText('Member of group:default/payments, which owns component:default/checkout-api').first(),
  ).toBeVisible();
  await expect(liam.getByRole('table', { name: 'Score breakdown' })).toBeVisible();
  await page.screenshot({ path: SCREENSHOT, fullPage: true });

  // Picking the suggestion fills the commander field; declaring makes Liam the commander.
  await liam.getByRole('button', { name: 'Pick Liam Chen as commander' }).click();
  await expect(dialog.getByRole('textbox', { name: 'Incident commander' })).toHaveValue('Liam Chen (user:default/liam-chen)');
  await dialog.getByLabel('Title').fill(TITLE);
  await dialog.getByRole('button', { name: 'Declare SEV3' }).click();

  await expect(page.getByRole('heading', { name: TITLE })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Roles' }).getByText('Liam Chen')).toBeVisible();
  // The incident page suggests roles too, and shows Liam as the commander already.
  await expect(page.getByTestId('candidate-incident-commander-user:default/liam-chen').getByText('Incident Commander now')).toBeVisible();
});
