import { expect, test } from '@playwright/test';
import path from 'path';
import { openEntityPage, signInAsGuest } from './signIn';

const SCREENSHOT = path.resolve(__dirname, '..', 'e2e-test-report', 'postmortem.png');
const TITLE = 'Cart checkout button unresponsive after bundle deploy (post-mortem e2e)';

test('after resolving an incident, the team writes its post-mortem and tracks an action item', async ({ page }) => {
  await signInAsGuest(page);
  await openEntityPage(page, '/catalog/default/component/cart-service/incidents', p =>
    expect(p.getByRole('button', { name: 'Declare incident' })).toBeVisible({ timeout: 5_000 }),
  );

  // A SEV2: it needs the full post-mortem template.
  await page.getByRole('button', { name: 'Declare incident' }).click();
  const dialog = page.getByRole('dialog', { name: 'Declare incident' });
  await dialog.getByLabel('Title').fill(TITLE);
  await dialog.getByRole('radio', { name: 'SEV2' }).check();
  await dialog.getByLabel('What users see').fill('The checkout button does nothing for some shoppers.');
  await dialog.getByRole('button', { name: 'Declare SEV2' }).click();
  await expect(page.getByRole('heading', { name: TITLE })).toBeVisible();

  await page.getByRole('button', { name: 'Resolve' }).click();
  await expect(page.getByTestId('incident-status')).toHaveText('resolved');

  // No post-mortem yet: the card says what is needed, and by when.
  await expect(page.getByTestId('postmortem-requirement')).toContainText('SEV2 incidents need a full post-mortem');
  await page.getByRole('button', { name: 'Start post-mortem' }).click();
  await expect(page.getByTestId('postmortem-status')).toHaveText('draft');
  await expect(page.getByTestId('postmortem-deadline')).toContainText(/Due in 4[78] h/);
  // The timeline was generated from the incident's events.
  await expect(page.getByText('from the incident timeline').first()).toBeVisible();
  await expect(page.getByTestId('postmortem-missing')).toContainText('Executive summary');

  const form = page.getByRole('form', { name: 'Post-mortem' });
  await form
    .getByLabel('Executive summary')
    .fill('For 20 minutes some shoppers could not check out: a frontend bundle broke the checkout button. Rolling back fixed it.');
  await form.getByRole('button', { name: 'Add a why' }).click();
  await form.getByRole('textbox', { name: /Why did the incident happen/ }).fill('The new bundle shipped a broken click handler.');
  await form.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(form.getByText(/Unsaved changes/)).toBeHidden();
  await expect(form.getByText(/\(version 2\)/)).toBeVisible();
  await expect(page.getByTestId('postmortem-missing')).not.toContainText('Executive summary');

  // An action item, tracked in the table below.
  const newItem = page.getByRole('form', { name: 'New action item' });
  await newItem.getByLabel('Action', { exact: true }).fill('Add a checkout smoke test to the frontend deploy');
  await newItem.getByLabel('Owner').fill('group:default/storefront');
  await newItem.getByLabel('Due date').fill('2099-01-31');
  await newItem.getByRole('button', { name: 'Add action item' }).click();
  const items = page.getByRole('table', { name: 'Action items' });
  const row = items.getByRole('row', { name: /Add a checkout smoke test to the frontend deploy/ });
  await expect(row).toBeVisible();
  await expect(row.getByText('storefront')).toBeVisible();
  await expect(row.getByText('open', { exact: true })).toBeVisible();

  // The saved text is there after a reload of the page.
  await page.reload();
  await expect(page.getByRole('form', { name: 'Post-mortem' }).getByRole('textbox', { name: /Why did the incident happen/ })).toHaveValue(
    'The new bundle shipped a broken click handler.',
  );
  await expect(page.getByRole('table', { name: 'Action items' }).getByText('Add a checkout smoke test to the frontend deploy')).toBeVisible();
  // The page scrolls inside Backstage's content area, so a full-page shot shows only the top: make the
  // window tall enough for the two cards and take them.
  const section = page.getByTestId('postmortem-section');
  const height = (await section.boundingBox())?.height ?? 900;
  await page.setViewportSize({ width: 1440, height: Math.ceil(height) + 200 });
  await section.scrollIntoViewIfNeeded();
  await section.screenshot({ path: SCREENSHOT });
});
