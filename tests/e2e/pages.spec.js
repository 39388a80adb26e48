import { expect, test } from '@playwright/test';
import { ADMIN_TOKEN } from '../../playwright.config.js';
import { drawWithMouse, expectDigit } from './helpers.js';
import { seven } from './strokes.js';

// One after another in one worker: the feedback one test gives changes the counts another one checks exactly.
test.describe.configure({ mode: 'default' });

/** A JSON answer of the server the page talks to (the admin token when `admin`). */
async function apiJson(page, path, { admin = false } = {}) {
  const response = await page.request.get(path, admin ? { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } } : {});
  expect(response.status()).toBe(200);
  return response.json();
}

const percent = (share, decimals = 0) => (decimals ? `${(share * 100).toFixed(decimals)}%` : `${Math.round(share * 100)}%`);

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
  const before = await apiJson(page, '/api/stats');
  await page.goto('/');
  await drawWithMouse(page, seven());
  await expectDigit(page, 7);
  const feedback = page.getByTestId('feedback');
  await feedback.getByRole('button', { name: 'Yes, it is a 7' }).click();
  await expect(feedback.getByRole('status')).toHaveText(/thank you/i);

  await page.getByRole('navigation').getByRole('link', { name: 'Statistics' }).click();
  await expect(page.getByTestId('confusion-matrix')).toBeVisible();
  const answers = page.getByText('Answers from people', { exact: true }).locator('xpath=following-sibling::dd');
  await expect(answers).toHaveText(String(before.feedback_count + 1));
  const sevens = before.confusion_matrix[7][7] + 1;
  await expect(page.getByTestId('confusion-matrix').getByLabel(`${sevens} times 7 was read as 7`, { exact: true })).toHaveText(
    String(sevens),
  );
  await expect(page.getByTestId('per-digit').getByRole('listitem')).toHaveCount(10);
});

test('the model page shows the active model and refuses a wrong admin token', async ({ page }) => {
  const { active, models } = await apiJson(page, '/api/models');
  await page.goto('/models');
  await expect(page.getByTestId('active-model').getByRole('heading')).toHaveText(`Active model: version ${active}`);
  const rows = page.getByTestId('versions').locator('tbody').getByRole('row');
  await expect(rows).toHaveCount(models.length);
  await expect(rows.first().getByRole('cell').first()).toHaveText(String(models[0].version));
  await page.getByLabel('Admin token').fill(`not-${ADMIN_TOKEN}`);
  await page.getByRole('button', { name: 'Train new version' }).click();
  await expect(page.getByRole('alert')).toHaveText('The admin token is wrong. Use the ADMIN_TOKEN the server was started with.');
  await expect(page.getByRole('status')).toHaveCount(0);
  expect((await apiJson(page, '/api/models')).models).toHaveLength(models.length); // nothing was trained
});

test('the model page shows the reference accuracy and, with the admin token, the feedback held for review', async ({
  page,
}) => {
  const { active, models } = await apiJson(page, '/api/models');
  const { all } = models.find((model) => model.version === active).reference;
  await page.goto('/models');
  const digits = `(${all.per_digit.map((share, digit) => `${digit}: ${percent(share)}`).join(', ')})`;
  const figures = page.getByTestId('active-model').getByText('Reference accuracy', { exact: true });
  await expect(figures.locator('xpath=following-sibling::dd[1]')).toHaveText(`${percent(all.overall, 1)} ${digits}`);
  await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Show feedback held for review' }).click();
  const { counts } = await apiJson(page, '/api/feedback?limit=1', { admin: true });
  await expect(page.getByTestId('review-counts')).toHaveText(
    `${counts.pending} waiting for review, ${counts.accepted} accepted, ${counts.rejected} rejected`,
  );
});
