"""What the e2e tests do often: sign in, switch 大字模式, run axe, take screenshots, decode QR codes."""

import io
import re
from pathlib import Path

import zxingcpp
from axe_playwright_python.async_playwright import Axe
from PIL import Image
from playwright.async_api import Locator, Page

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
_axe = Axe()


async def sign_in(page: Page) -> None:
    await page.goto("/console/login")
    await page.get_by_role("button", name="演示登录").click()
    await page.wait_for_url(re.compile(r"/console/$"))


async def large_text(page: Page, on: bool) -> None:
    """Switch 大字模式 on or off (a form post; the page reloads)."""
    button = page.get_by_role("button", name="大字模式")
    if (await button.get_attribute("aria-pressed")) != ("true" if on else "false"):
        await button.click()
        await page.wait_for_load_state()


async def axe_violations(page: Page) -> list[str]:
    result = await _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])} nodes)" for v in result.response["violations"]]


async def sizes(page: Page) -> tuple[float, float]:
    """The body's font size and the smallest primary button's height, in CSS pixels."""
    body = await page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    buttons = await page.evaluate(
        "Array.from(document.querySelectorAll('button.primary, .button.primary'))"
        ".filter(b => b.offsetParent !== null).map(b => b.getBoundingClientRect().height)"
    )
    return float(body), float(min(buttons)) if buttons else float("inf")


async def shot(page: Page, directory: Path, name: str) -> None:
    await page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


async def decode_qr(element: Locator) -> list[str]:
    """The texts of the QR codes in a screenshot of the element, read by zxing-cpp."""
    image = Image.open(io.BytesIO(await element.screenshot()))
    return [found.text for found in zxingcpp.read_barcodes(image)]
