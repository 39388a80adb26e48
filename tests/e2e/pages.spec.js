import { expect, test } from '@playwright/test';
import { ADMIN_TOKEN } from '../../playwright.config.js';
import { drawWithMouse, expectDigit } from './helpers.js';
import { seven } from './strokes.js';

for (const { link, path, heading } of [
  { link: 'Statistics', path: '/stats', heading: 'Statistics' },
  { link: 'Model', path: '/models', heading: 'Model' },
]) {
  test(`the ${link} page opens from the nav, the back button and its own address`, async ({ page }) => {
    await page.goto('/');
    await page.getByRole('navigation').getByRole('link', { name: link }).click();
    await expect(page).toHaveURL(path);
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();

    await page.goBack();
    await expect(page.getByTestId('digit-canvas')).toBeVisible();
    await page.goForward();
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();

    await page.goto(path); // a deep link: Flask serves the single-page app for it
    await expect(page.getByRole('heading', { name: heading, exact: true })).toBeVisible();
    await page.getByRole('navigation').getByRole('link', { name: 'Draw' }).click();
    await expect(page).toHaveURL('/');
    await expect(page.getByTestId('digit-canvas')).toBeVisible();
  });
}

test('feedback on an answer is thanked and counted in the statistics', async ({ page }) => {
  await page.goto('/');
  await drawWithMouse(page, seven());
  await expectDigit(page, 7);
  const feedback = page.getByTestId('feedback');
  await feedback.getByRole('button', { name: 'Yes, it is a 7' }).click();
  await expect(feedback.getByRole('status')).toHaveText(/thank you/i);

  await page.getByRole('navigation').getByRole('link', { name: 'Statistics' }).click();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  const answers = Number(await page.getByText('Answers from people').locator('xpath=following-sibling::dd').innerText());
  expect(answers).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('confusion-matrix').getByLabel(/times 7 was read as 7$/)).not.toHaveText('');
  await expect(page.getByTestId('per-digit').getByRole('listitem')).toHaveCount(10);
});

test('the model page shows the active model and refuses a wrong admin token', async ({ page }) => {
  await page.goto('/models');
  await expect(page.getByTestId('active-model')).toContainText('Active model: version 1');
  await expect(page.getByTestId('versions').getByRole('row')).not.toHaveCount(1);
  await page.getByLabel('Admin token').fill(`not-${ADMIN_TOKEN}`);
  await page.getByRole('button', { name: 'Train new version' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByRole('status')).toHaveCount(0);
});

test('the model page shows the reference accuracy and, with the admin token, the feedback held for review', async ({
  page,
}) => {
  await page.goto('/models');
  await expect(page.getByTestId('active-model')).toContainText(/Reference accuracy\s*\d+\.\d%/);
  await expect(page.getByTestId('reference-digits')).toContainText('9: ');
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Show feedback held for review' }).click();
  await expect(page.getByTestId('review-counts')).toContainText(/\d+ waiting for review, \d+ accepted, \d+ rejected/);
});
