import { expect, Page } from '@playwright/test';

/** Signs in with the guest provider and waits until the app has taken the session. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await enter.click();
  await expect(enter).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Acme Catalog' })).toBeVisible();
}

/** Opens an entity page, waiting for the catalog to have ingested the example entities. */
export async function openEntityPage(page: Page, path: string, ready: (page: Page) => Promise<void>) {
  await expect(async () => {
    await page.goto(path);
    await ready(page);
  }).toPass({ timeout: 90_000 });
}
