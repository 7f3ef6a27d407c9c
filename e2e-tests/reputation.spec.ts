import { expect, test } from '@playwright/test';
import { openEntityPage, signInAsGuest } from './signIn';

test('the guest sees their reputation with a score and a level', async ({ page }) => {
  await signInAsGuest(page);
  await openEntityPage(page, '/catalog/default/user/guest/reputation', p =>
    expect(p.getByTestId('reputation-score')).toBeVisible({ timeout: 5_000 }),
  );
  await expect(page.getByTestId('reputation-score')).toHaveText(/^\d{1,4} \/ 1000$/);
  await expect(page.getByText(/of 1000: the average of the six metrics/)).toBeVisible();
  await expect(page.getByTestId('reputation-level')).toHaveText(/^(Level \d: .+|Suspended)$/);
  await expect(page.getByText('Workload beside the score')).toBeVisible();
  await expect(page.getByText('Every point of the score, explained: newest first')).toBeVisible();
  await page.screenshot({ path: 'e2e-test-report/reputation-tab.png', fullPage: true });
});

test('after a resolved SEV1 the guest answers a survey about a colleague who held a role', async ({ page }) => {
  const title = `Checkout unavailable (reputation e2e ${Date.now()})`;
  await signInAsGuest(page);
  await openEntityPage(page, '/catalog/default/component/cart-service/incidents', p =>
    expect(p.getByRole('button', { name: 'Declare incident' })).toBeVisible({ timeout: 5_000 }),
  );

  await page.getByRole('button', { name: 'Declare incident' }).click();
  const dialog = page.getByRole('dialog', { name: 'Declare incident' });
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByRole('radio', { name: 'SEV1' }).check();
  await dialog.getByLabel('What users see').fill('Nobody can check out.');
  await dialog.getByRole('button', { name: 'Declare SEV1' }).click();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();

  // Liam Chen joins as scribe: the guest (commander) and Liam will rate each other.
  const roles = page.getByRole('table', { name: 'Roles' });
  await roles.getByRole('button', { name: 'Assign Scribe' }).click();
  await roles.getByLabel('Person').fill('liam');
  await page.getByRole('option', { name: /user:default\/liam-chen/ }).click();
  await roles.getByRole('button', { name: 'Save' }).click();
  await expect(roles.getByRole('link', { name: /Liam Chen|liam-chen/ })).toBeVisible();

  await page.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(page.getByTestId('incident-status')).toHaveText('investigating');
  await page.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByTestId('incident-status')).toHaveText('resolved');

  // The survey is created on resolve (or by the backend's sweep shortly after).
  const form = page.getByRole('form', { name: `Survey about liam-chen on ${title}` });
  await expect(async () => {
    await page.goto('/majorops/surveys');
    await expect(form).toBeVisible({ timeout: 5_000 });
  }).toPass({ timeout: 90_000 });
  await expect(page.getByText(/never shown individually/)).toBeVisible();

  await form.getByRole('radiogroup', { name: /clear and calm/ }).getByRole('radio', { name: '8', exact: true }).check();
  await form.getByRole('radiogroup', { name: /help move the incident/ }).getByRole('radio', { name: '9', exact: true }).check();
  await form.getByRole('radiogroup', { name: /primary contact/ }).getByRole('radio', { name: '7', exact: true }).check();
  await form.getByLabel(/Comment/).fill('Kept the timeline complete under pressure.');
  await form.getByRole('button', { name: 'Send answers' }).click();
  await expect(form).toBeHidden();
  await expect(page.getByText('Thank you: 1 survey answered.')).toBeVisible();

  // Answered once: it does not come back.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Peer feedback surveys' })).toBeVisible();
  await expect(form).toBeHidden();
});
