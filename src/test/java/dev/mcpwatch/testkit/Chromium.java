package dev.mcpwatch.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through its chromedriver, both installed by {@code ./test}
 * ({@code apt-get install chromium chromium-driver}). Never downloaded: a missing browser fails the
 * test with the command that installs it, it does not skip.
 */
public final class Chromium {
    public static final Path BROWSER = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    public static ChromeDriver start(int width, int height) {
        for (Path p : new Path[] {BROWSER, DRIVER}) {
            if (!Files.isExecutable(p)) {
                throw new AssertionError(p + " is missing: the browser tests need Debian's Chromium and its driver. "
                        + "Install them with: apt-get install -y chromium chromium-driver (./test does, as root)");
            }
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--window-size=" + width + "," + height, "--force-device-scale-factor=1",
                "--user-data-dir=" + tempProfile());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30)).scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }

    private static String tempProfile() {
        try {
            return Files.createTempDirectory("mcpwatch-chromium-").toString();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
