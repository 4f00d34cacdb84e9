package dev.mcpwatch.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mcpwatch.alert.AckLinks;
import dev.mcpwatch.testkit.Certificates;
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
import java.time.Instant;
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
 * overview (trouble first, warnings, maintenance, its filter and sort, on a phone too), a monitor
 * page (warnings, the certificate, acknowledging a drift from its diff), a status page during a
 * partial outage and a maintenance window (bars that tell their minutes on focus, a phone-sized
 * screen), the signed acknowledgement page, posting a status update, and servers whose names and
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
    private static FixtureServer secure;
    private static WebFixture web;
    private static final String ACK_SECRET = "browser-test-ack-secret-0123";
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        dir = ServeFixture.tempDir("mcpwatch-browser-");
        weather = FixtureServer.http(DemoData.server(DemoData.WEATHER_TOOLS));
        search = FixtureServer.http(DemoData.server(DemoData.SEARCH_TOOLS));
        hostile = FixtureServer.http(HostileMcp.healthy());
        failing = FixtureServer.http(HostileMcp.failing());
        Certificates certs = new Certificates();
        secure = FixtureServer.https(Certificates.serverContext(certs.expiringIn(10)), DemoData.server(DemoData.SEARCH_TOOLS));
        Path ca = Files.writeString(dir.resolve("ca.pem"), certs.root.certificatePem());
        // Payments is being migrated: a maintenance window holds it from an hour ago to an hour from now.
        Instant now = Instant.now();
        String yaml = """
                monitors:
                  - {id: weather, name: Weather MCP, url: '%s', tags: [prod, team-weather]}
                  - {id: search, name: Search MCP, url: '%s', tags: [prod]}
                  - {id: files, name: Files MCP, url: 'http://127.0.0.1:9/mcp', tags: [prod]}
                  - {id: payments, name: Payments MCP, url: 'http://127.0.0.1:9/mcp', tags: [prod]}
                  - {id: secure, name: Secure MCP, url: '%s', tls: {ca_file: '%s'}}
                  - {id: hostile, url: '%s', tags: [fixture]}
                  - {id: failing, url: '%s', tags: [fixture]}
                alerting:
                  maintenance:
                    - {name: payments-migration, monitors: [payments], from: '%s', to: '%s'}
                  ack: {secret: %s}
                status_pages:
                  - {slug: public, title: Acme MCP servers, description: 'Live status of the MCP servers Acme runs.', monitors: [weather, search, files, payments]}
                  - {slug: hostile, title: Fixtures, monitors: [hostile, failing]}
                """.formatted(weather.url("/mcp"), search.url("/mcp"), secure.url("/mcp"), ca, hostile.url("/mcp"), failing.url("/mcp"),
                now.minus(Duration.ofHours(1)), now.plus(Duration.ofHours(1)), ACK_SECRET);
        DemoData.seed(dir, Results.monitors(yaml));
        web = WebFixture.start(dir, yaml, null, Duration.ofSeconds(2));
        web.setPassword(WebFixture.PASSWORD);
        ServeFixture.await("the fixtures probed, the failing ones confirmed down, the certificate warned of", Duration.ofSeconds(60),
                () -> Databases.count(web.app().database(), "SELECT COUNT(*) FROM incidents WHERE monitor_id = 'failing'") == 1
                        && Databases.count(web.app().database(), "SELECT COUNT(*) FROM incidents WHERE monitor_id = 'payments'") == 1
                        && Databases.count(web.app().database(), "SELECT COUNT(*) FROM monitor_state WHERE monitor_id = 'hostile' "
                                + "AND tool_list_id IS NOT NULL") == 1
                        && Databases.count(web.app().database(), "SELECT COUNT(*) FROM warnings WHERE monitor_id = 'secure' "
                                + "AND type = 'certificate.expiring' AND cleared_at IS NULL") == 1);
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
        for (FixtureServer s : new FixtureServer[] {weather, search, hostile, failing, secure}) {
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
    void theOverviewPutsTroubleFirstMarksMaintenanceShowsWarningsAndSortsByNameOnRequest() throws Exception {
        browser.get(web.url("/"));
        // Down first (by name), then up: the state order operators want, not the alphabet.
        assertThat(rows()).containsExactly("failing", "Files MCP", "Payments MCP", "hostile", "Search MCP", "Secure MCP", "Weather MCP");
        assertThat(rowOf("Payments MCP").findElement(By.cssSelector(".maint")).getText()).startsWith("maintenance until");
        assertThat(rowOf("Secure MCP").findElement(By.cssSelector("a.warn")).getText()).isEqualTo("certificate");
        assertThat(rowOf("Weather MCP").findElements(By.cssSelector("a.warn"))).as("the drift five days ago, never acknowledged")
                .anySatisfy(w -> {
                    assertThat(w.getText()).isEqualTo("schema drift");
                    assertThat(w.getAttribute("title")).startsWith("Schema drift:");
                });
        shot("overview");

        browser.findElement(By.cssSelector("#sort option[value=name]")).click();
        browser.findElement(By.cssSelector("form.filters button")).click();
        awaitUrlContaining("sort=name");
        assertThat(browser.getCurrentUrl()).contains("sort=name");
        assertThat(rows()).containsExactly("failing", "Files MCP", "hostile", "Payments MCP", "Search MCP", "Secure MCP", "Weather MCP");

        browser.findElement(By.cssSelector("#status option[value=down]")).click();
        browser.findElement(By.cssSelector("form.filters button")).click();
        awaitUrlContaining("status=down");
        assertThat(browser.getCurrentUrl()).contains("status=down").contains("sort=name");
        assertThat(rows()).containsExactly("failing", "Files MCP", "Payments MCP");
    }

    @Test
    @Order(3)
    void theOverviewIsReadableOnAPhone() throws Exception {
        browser.manage().window().setSize(new Dimension(390, 844));
        try {
            browser.get(web.url("/"));
            long overflow = (Long) ((JavascriptExecutor) browser).executeScript(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth");
            assertThat(overflow).as("no sideways scrolling on a phone").isLessThanOrEqualTo(0);
            // Every figure of a monitor is on the screen, labelled: nothing cut off after "Last probe".
            WebElement files = rowOf("Files MCP");
            for (String label : List.of("State", "Failing at", "Warnings", "Last probe", "p50", "p95", "24 h", "7 d", "90 d")) {
                WebElement cell = files.findElement(By.cssSelector("td[data-label='" + label + "']"));
                assertThat(cell.isDisplayed()).as(label).isTrue();
                Number right = (Number) ((JavascriptExecutor) browser).executeScript("return arguments[0].getBoundingClientRect().right", cell);
                assertThat(right.doubleValue()).as(label + " within the 390 px screen").isLessThanOrEqualTo(390);
                String before = (String) ((JavascriptExecutor) browser).executeScript(
                        "return getComputedStyle(arguments[0], '::before').content", cell);
                assertThat(before).as("the cell says what it is").contains(label);
            }
            shot("overview-phone");
        } finally {
            browser.manage().window().setSize(new Dimension(1280, 900));
        }
    }

    @Test
    @Order(4)
    void aMonitorPageShowsItsWaterfallChartsBarsAndToolChanges() throws Exception {
        browser.get(web.url("/"));
        browser.findElement(By.linkText("Weather MCP")).click();

        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Weather MCP");
        assertThat(browser.findElements(By.cssSelector(".waterfall tbody tr"))).hasSizeGreaterThanOrEqualTo(3);
        assertThat(browser.findElements(By.cssSelector(".chart svg rect"))).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("ol.bars li"))).hasSize(90);
        assertThat(browser.findElement(By.cssSelector("ol.history ul.diff")).getText()).contains("get_radar tool added",
                "breaking get_alerts type changed");
        browser.manage().window().setSize(new Dimension(1280, 2600));
        shot("monitor");
        browser.manage().window().setSize(new Dimension(1280, 900));

        browser.findElement(By.linkText("7d")).click();
        assertThat(browser.getCurrentUrl()).contains("range=7d");
        assertThat(browser.findElements(By.cssSelector(".chart svg g")).size()).isGreaterThan(24);
    }

    @Test
    @Order(5)
    void aMonitorPageShowsItsWarningsAndTheCertificateWithItsDaysLeft() throws Exception {
        browser.get(web.url("/monitors/secure"));

        String warnings = browser.findElement(By.cssSelector("ul.warnings")).getText();
        assertThat(warnings).contains("certificate", "TLS certificate CN=localhost expires in 10 days");
        WebElement cert = browser.findElement(By.xpath("//h3[@id='certificate']/following-sibling::dl[1]"));
        assertThat(cert.getText()).contains("Days left", "10 — expires in 10 days", "CN=mcpwatch test root", "matches", "valid");
    }

    @Test
    @Order(6)
    void aDriftIsAcknowledgedFromTheMonitorPagesDiff() throws Exception {
        browser.get(web.url("/monitors/weather"));
        WebElement drift = browser.findElement(By.id("drift"));
        assertThat(drift.getText()).contains("Schema drift: the tool list differs from its baseline", "get_radar", "breaking");
        assertThat(browser.findElement(By.cssSelector("ul.warnings")).getText()).contains("schema drift");

        drift.findElement(By.cssSelector("button[type=submit]")).click();
        awaitUrlEndingWith("/monitors/weather#tools");

        assertThat(browser.findElements(By.id("drift"))).as("the list is the baseline now").isEmpty();
        assertThat(browser.findElement(By.id("warnings")).findElement(By.xpath("..")).getText()).contains("No warning in force.");
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM schema_baselines WHERE monitor_id = 'weather' "
                + "AND set_by = 'admin' AND replaced_at IS NULL")).isEqualTo(1);
    }

    @Test
    @Order(7)
    void theStatusPageShowsThePartialOutageAndEachDayTellsItsMinutesOnFocus() throws Exception {
        browser.manage().window().setSize(new Dimension(1280, 1900)); // the whole page in the screenshot
        browser.get(web.url("/status/public"));

        assertThat(browser.findElement(By.cssSelector(".headline")).getText()).as("one monitor of four down").isEqualTo("Partial outage");
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
    @Order(8)
    void aMonitorInsideAMaintenanceWindowIsUnderMaintenanceInBlueWithNoAutomaticPost() throws Exception {
        browser.get(web.url("/status/public"));

        WebElement pill = browser.findElement(By.cssSelector("article[aria-labelledby=svc-payments] .pill"));
        assertThat(pill.getText()).isEqualTo("Under maintenance");
        assertThat(pill.getCssValue("color")).as("Statuspage's blue").isEqualTo("rgba(5, 80, 174, 1)");
        assertThat(browser.findElement(By.id("maintenance")).findElement(By.xpath("..")).getText())
                .contains("In progress — Payments MCP:").contains(" UTC to ");
        assertThat(browser.findElement(By.id("history")).findElement(By.xpath("..")).getText())
                .as("its outage is the maintenance: no incident, no automatic post").doesNotContain("Payments MCP");
        long incident = Databases.count(web.app().database(), "SELECT id FROM incidents WHERE monitor_id = 'payments'");
        assertThat(Databases.count(web.app().database(), "SELECT COUNT(*) FROM incident_events WHERE incident_id = " + incident
                + " AND kind = 'status_update'")).isZero();

        browser.get(web.url("/monitors/payments"));
        assertThat(browser.findElement(By.cssSelector(".maint-notice")).getText()).startsWith("Under maintenance until");
    }

    @Test
    @Order(9)
    void theSignedAcknowledgementLinkOpensAStyledPageWithTimesInWords() throws Exception {
        long incident = Databases.count(web.app().database(), "SELECT id FROM incidents WHERE monitor_id = 'failing'");
        String token = new AckLinks(ACK_SECRET).token(incident, System.currentTimeMillis() + 3_600_000);
        browser.manage().deleteAllCookies(); // whoever follows the link from a chat need not be logged in
        try {
            browser.get(web.url("/ack/" + token));

            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Acknowledge incident " + incident + "?");
            assertThat((String) ((JavascriptExecutor) browser).executeScript("return getComputedStyle(document.documentElement).fontFamily"))
                    .as("the stylesheet applies").contains("system-ui");
            assertThat(browser.findElement(By.cssSelector("button[type=submit]")).getCssValue("background-color"))
                    .isEqualTo("rgba(31, 136, 61, 1)");
            String started = browser.findElement(By.xpath("//dt[.='Started']/following-sibling::dd[1]")).getText();
            assertThat(started).matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} UTC \\(.+ ago\\)").doesNotContainPattern("\\dT\\d");
            shot("ack");

            browser.findElement(By.id("by")).sendKeys("bob");
            browser.findElement(By.cssSelector("button[type=submit]")).click();
            assertThat(browser.findElement(By.cssSelector("p.notice")).getText()).startsWith("Acknowledged.");
            assertThat(browser.findElement(By.xpath("//dt[.='Acknowledged']/following-sibling::dd[1]")).getText()).endsWith(" UTC");
        } finally {
            browser.get(web.url("/login"));
            browser.findElement(By.id("password")).sendKeys(WebFixture.PASSWORD, Keys.ENTER);
            awaitUrlEndingWith("/"); // logged in again before the next test opens a page that needs it
        }
    }

    @Test
    @Order(10)
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
    @Order(11)
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

    /** The overview's row of the monitor named {@code name}. */
    private static WebElement rowOf(String name) {
        return browser.findElement(By.xpath("//table[contains(@class,'monitors')]/tbody/tr[th/a[normalize-space(.)='" + name + "']]"));
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

    /** A form's GET navigates; on a busy machine the browser may still be on its way when asked. */
    private void awaitUrlContaining(String part) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!browser.getCurrentUrl().contains(part) && System.nanoTime() < end) {
            Thread.sleep(50);
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
