package dev.mcpwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.testkit.Chromium;
import dev.mcpwatch.testkit.Databases;
import dev.mcpwatch.testkit.DemoData;
import dev.mcpwatch.testkit.FixtureServer;
import dev.mcpwatch.testkit.HostileMcp;
import dev.mcpwatch.testkit.Results;
import dev.mcpwatch.testkit.ServeFixture;
import dev.mcpwatch.testkit.WebFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The dashboard and a status page in a real browser (Debian's headless Chromium): logging in, the
 * overview and its filter, a monitor page, a status page during an outage (bars that tell their
 * minutes on focus, a phone-sized screen), posting a status update, and servers whose names and
 * messages carry scripts — none of which may run. Screenshots go to target/screenshots, and to the
 * folder named by {@code -Dmcpwatch.screenshots=docs} when the README's pictures are remade.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTest {
    private static Path dir;
    private static FixtureServer weather;
    private static FixtureServer search;
    private static FixtureServer hostile;
    private static FixtureServer failing;
    private static WebFixture web;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        dir = ServeFixture.tempDir("mcpwatch-browser-");
        weather = FixtureServer.http(DemoData.server(DemoData.WEATHER_TOOLS));
        search = FixtureServer.http(DemoData.server(DemoData.SEARCH_TOOLS));
        hostile = FixtureServer.http(HostileMcp.healthy());
        failing = FixtureServer.http(HostileMcp.failing());
        String yaml = """
                monitors:
                  - {id: weather, name: Weather MCP, url: '%s', tags: [prod, team-weather]}
                  - {id: search, name: Search MCP, url: '%s', tags: [prod]}
                  - {id: files, name: Files MCP, url: 'http://127.0.0.1:9/mcp', tags: [prod]}
                  - {id: hostile, url: '%s', tags: [fixture]}
                  - {id: failing, url: '%s', tags: [fixture]}
                status_pages:
                  - {slug: public, title: Acme MCP servers, description: 'Live status of the MCP servers Acme runs.', monitors: [weather, search, files]}
                  - {slug: hostile, title: Fixtures, monitors: [hostile, failing]}
                """.formatted(weather.url("/mcp"), search.url("/mcp"), hostile.url("/mcp"), failing.url("/mcp"));
        DemoData.seed(dir, Results.monitors(yaml));
        web = WebFixture.start(dir, yaml, null, Duration.ofSeconds(2));
        web.setPassword(WebFixture.PASSWORD);
        ServeFixture.await("the fixtures probed and the failing one confirmed down", Duration.ofSeconds(40),
                () -> Databases.count(web.app().database(), "SELECT COUNT(*) FROM incidents WHERE monitor_id = 'failing'") == 1
                        && Databases.count(web.app().database(), "SELECT COUNT(*) FROM monitor_state WHERE monitor_id = 'hostile' "
                                + "AND tool_list_id IS NOT NULL") == 1);
        browser = Chromium.start(1280, 900);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (web != null) {
            web.close();
        }
        for (FixtureServer s : new FixtureServer[] {weather, search, hostile, failing}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    @Order(1)
    void anOperatorLogsInAndLandsOnTheOverview() throws Exception {
        browser.get(web.url("/"));
        assertThat(browser.getCurrentUrl()).isEqualTo(web.url("/login?next=%2F"));
        shot("login");

        browser.findElement(By.id("password")).sendKeys("not the password");
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
        assertThat(browser.findElement(By.id("login-error")).getText()).isEqualTo("wrong user name or password");

        browser.findElement(By.id("password")).sendKeys(WebFixture.PASSWORD, Keys.ENTER);
        awaitUrlEndingWith("/");

        assertThat(browser.getCurrentUrl()).isEqualTo(web.url("/"));
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Monitors");
        assertThat(browser.manage().getCookieNamed("mcpwatch_session").isHttpOnly()).isTrue();
    }

    @Test
    @Order(2)
    void theOverviewListsEveryMonitorAndFiltersByState() throws Exception {
        browser.get(web.url("/"));
        assertThat(rows()).containsExactly("failing", "Files MCP", "hostile", "Search MCP", "Weather MCP");
        shot("overview");

        browser.findElement(By.cssSelector("#status option[value=down]")).click();
        browser.findElement(By.cssSelector("form.filters button")).click();

        assertThat(browser.getCurrentUrl()).contains("status=down");
        assertThat(rows()).containsExactly("failing", "Files MCP");
    }

    @Test
    @Order(3)
    void aMonitorPageShowsItsWaterfallChartsBarsAndToolChanges() throws Exception {
        browser.get(web.url("/"));
        browser.findElement(By.linkText("Weather MCP")).click();

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Weather MCP");
        assertThat(browser.findElements(By.cssSelector(".waterfall tbody tr"))).hasSizeGreaterThanOrEqualTo(3);
        assertThat(browser.findElements(By.cssSelector(".chart svg rect"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("ol.bars li"))).hasSize(90);
        assertThat(browser.findElement(By.cssSelector("ul.diff")).getText()).contains("get_radar tool added", "breaking get_alerts type changed");
        browser.manage().window().setSize(new Dimension(1280, 2400));
        shot("monitor");
        browser.manage().window().setSize(new Dimension(1280, 900));

        browser.findElement(By.linkText("7d")).click();
        assertThat(browser.getCurrentUrl()).contains("range=7d");
        assertThat(browser.findElements(By.cssSelector(".chart svg g")).size()).isGreaterThan(24);
    }

    @Test
    @Order(4)
    void theStatusPageShowsTheOutageAndEachDayTellsItsMinutesOnFocus() throws Exception {
        browser.get(web.url("/status/public"));

        assertThat(browser.findElement(By.cssSelector(".headline")).getText()).isEqualTo("Major outage");
        assertThat(browser.findElement(By.id("history")).findElement(By.xpath("..")).getText())
                .contains("Files MCP: major outage", "Investigating — We are investigating an outage of Files MCP.");
        WebElement day = browser.findElements(By.cssSelector("#svc-weather ~ ol.bars li, article[aria-labelledby=svc-weather] ol.bars li"))
                .stream().filter(li -> li.getAttribute("aria-label").endsWith("minutes of downtime")).findFirst().orElseThrow();
        ((JavascriptExecutor) browser).executeScript("arguments[0].focus()", day);
        String tooltip = (String) ((JavascriptExecutor) browser).executeScript(
                "return getComputedStyle(document.activeElement, '::after').content");
        assertThat(tooltip).as("the 47-minute outage, its last minute begun").contains("48 minutes of downtime");
        new Actions(browser).moveToElement(day).perform();
        shot("status");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.navigate().refresh();
        long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
        assertThat(overflow).as("no sideways scrolling on a phone").isLessThanOrEqualTo(0);
        shot("status-phone");
        browser.manage().window().setSize(new Dimension(1280, 900));
    }

    @Test
    @Order(5)
    void anOperatorPostsAStatusUpdateAndTheStatusPageShowsIt() throws Exception {
        long incident = Databases.count(web.app().database(), "SELECT id FROM incidents WHERE monitor_id = 'files' AND status = 'open'");
        browser.get(web.url("/incidents/" + incident));
        browser.findElement(By.cssSelector("#status option[value=identified]")).click();
        browser.findElement(By.id("message")).sendKeys("The file store's disk is full; freeing space.");
        browser.findElement(By.cssSelector("section[aria-labelledby=updates] button")).click();
        awaitUrlEndingWith("/incidents/" + incident + "#updates");

        assertThat(browser.getCurrentUrl()).endsWith("/incidents/" + incident + "#updates");
        assertThat(browser.findElement(By.cssSelector("section[aria-labelledby=updates] ol.timeline")).getText())
                .contains("Status update: identified — The file store's disk is full; freeing space. by admin");
        shot("incident");

        browser.get(web.url("/status/public"));
        browser.navigate().refresh(); // the page was read a moment ago: revalidate rather than trust the browser's cache
        assertThat(browser.findElement(By.cssSelector("#incident-" + incident + " .updates")).getText())
                .startsWith("Identified — The file store's disk is full; freeing space.");
    }

    @Test
    @Order(6)
    void scriptsFromProbedServersNeverRunOnAnyPage() throws Exception {
        long incident = Databases.count(web.app().database(), "SELECT id FROM incidents WHERE monitor_id = 'failing'");
        for (String path : List.of("/", "/monitors/hostile", "/monitors/failing", "/incidents/" + incident, "/status/hostile")) {
            browser.get(web.url(path));
            Object pwned = ((JavascriptExecutor) browser).executeScript("return window.__pwned === undefined ? null : window.__pwned");
            assertThat(pwned).as("no payload ran on " + path).isNull();
            assertThat(browser.getTitle()).as(path).doesNotContain("pwned");
        }
        browser.get(web.url("/monitors/hostile"));
        assertThat(browser.findElement(By.cssSelector("code.tool-name")).getText())
                .isEqualTo("<b>bold</b>" + HostileMcp.PAYLOAD);
        assertThat(browser.findElement(By.cssSelector(".server-name")).getText()).startsWith("evil<script>document.title='pwned'");
        browser.get(web.url("/incidents/" + incident));
        assertThat(browser.findElement(By.cssSelector("span.reason")).getText()).contains("upstream says " + HostileMcp.PAYLOAD);
        shot("untrusted-text");
    }

    private static List<String> rows() {
        return browser.findElements(By.cssSelector("table.monitors tbody th a")).stream().map(WebElement::getText).toList();
    }

    private static void shot(String name) throws Exception {
        byte[] png = browser.getScreenshotAs(OutputType.BYTES);
        Path out = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(out.getParent());
        Files.write(out, png);
        String docs = System.getProperty("mcpwatch.screenshots");
        if (docs != null && !docs.isBlank()) {
            Path target = Path.of(docs, name + ".png");
            Files.createDirectories(target.getParent());
            Files.copy(out, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** A form post redirects; on a busy machine the browser may still be on its way when asked. */
    private void awaitUrlEndingWith(String suffix) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!browser.getCurrentUrl().endsWith(suffix) && System.nanoTime() < end) {
            Thread.sleep(50);
        }
    }
}
