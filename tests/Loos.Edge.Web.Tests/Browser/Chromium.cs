using System.Text.Json;
using Deque.AxeCore.Commons;
using Loos.Edge.Testing;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Loos.Edge.Web.Tests;

/// <summary>
/// Debian's headless Chromium driven through Debian's ChromeDriver, with a new empty profile, no background network
/// (the test machine has none) and the test's self-signed certificate accepted. Screenshots go to
/// <see cref="ArtefactsDirectory"/>.
/// </summary>
public sealed partial class Chromium : IDisposable
{
    private const string Browser = "/usr/bin/chromium";
    private const string Driver = "/usr/bin/chromedriver";

    private readonly string profile = Directory.CreateTempSubdirectory("loos-edge-chromium-").FullName;
    private readonly ChromeDriver driver;

    public Chromium()
    {
        Assert.True(File.Exists(Browser) && File.Exists(Driver), $"{Browser} and {Driver} are needed: apt-get install -y chromium chromium-driver (./build.sh test installs them)");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(Driver)!, Path.GetFileName(Driver));
        service.SuppressInitialDiagnosticInformation = true;
        service.HideCommandPromptWindow = true;
        var options = new ChromeOptions { BinaryLocation = Browser, AcceptInsecureCertificates = true };
        options.AddArguments(
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--lang=fr-FR", $"--user-data-dir={profile}");
        driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Manage().Timeouts().AsynchronousJavaScript = TimeSpan.FromSeconds(30);
    }

    /// <summary>Where the screenshots are kept after the run: <c>artifacts/screenshots</c> at the repository's root.</summary>
    public static string ArtefactsDirectory { get; } = Path.Combine(RepositoryPaths.Root, "artifacts", "screenshots");

    public IWebDriver Page => driver;

    public string Url => driver.Url;

    /// <summary>The text of the page as a reader sees it (hidden parts left out).</summary>
    public string Text => driver.FindElement(By.TagName("body")).Text;

    public void Open(string url) => driver.Navigate().GoToUrl(url);

    /// <summary>Waits until <paramref name="condition"/> holds, failing with <paramref name="what"/> and the page's text.</summary>
    public void WaitUntil(Func<Chromium, bool> condition, string what, TimeSpan? timeout = null)
    {
        try
        {
            // A page being replaced by the next one has elements that vanish under the condition: it is asked again.
            var wait = new WebDriverWait(driver, timeout ?? TimeSpan.FromSeconds(20)) { PollingInterval = TimeSpan.FromMilliseconds(200) };
            wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
            wait.Until(_ => condition(this));
        }
        catch (WebDriverTimeoutException)
        {
            Assert.Fail($"the browser never showed {what} (at {driver.Url}):\n{Text}");
        }
    }

    /// <summary>Lays the page out in a viewport of <paramref name="width"/> × <paramref name="height"/> CSS pixels, as a phone (touch) or a desktop would.</summary>
    public void Viewport(int width, int height, bool mobile)
    {
        driver.ExecuteCdpCommand("Emulation.setDeviceMetricsOverride", new Dictionary<string, object?>
        {
            ["width"] = width,
            ["height"] = height,
            ["deviceScaleFactor"] = 1,
            ["mobile"] = mobile,
        });
    }

    /// <summary>The page's width as laid out: wider than the viewport means the reader has to scroll sideways.</summary>
    public long ContentWidth => (long)driver.ExecuteScript("return document.documentElement.scrollWidth;")!;

    /// <summary>Saves what the viewport shows as <c>NAME.png</c> in <see cref="ArtefactsDirectory"/>; returns its path.</summary>
    public string Screenshot(string name)
    {
        Directory.CreateDirectory(ArtefactsDirectory);
        var path = Path.Combine(ArtefactsDirectory, name + ".png");
        driver.GetScreenshot().SaveAsFile(path);
        return path;
    }

    /// <summary>Prints the page on A4 as <c>NAME.pdf</c> in <see cref="ArtefactsDirectory"/>; returns the number of pages.</summary>
    public int PrintA4(string name)
    {
        Directory.CreateDirectory(ArtefactsDirectory);
        var pdf = driver.Print(new PrintOptions { PageDimensions = new PrintOptions.PageSize { Width = 21.0, Height = 29.7 } });
        pdf.SaveAsFile(Path.Combine(ArtefactsDirectory, name + ".pdf"));
        return PdfPage().Count(System.Text.Encoding.Latin1.GetString(Convert.FromBase64String(pdf.AsBase64EncodedString)));
    }

    /// <summary>The bytes the page's document took over the network, from the browser's navigation timing.</summary>
    public long DocumentBytes => Convert.ToInt64(driver.ExecuteScript("return performance.getEntriesByType('navigation')[0].encodedBodySize;"), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Every address the page loaded besides its document (images, styles, scripts, fonts), as the browser recorded them.</summary>
    public IReadOnlyList<string> LoadedResources =>
        ((IEnumerable<object>)driver.ExecuteScript("return performance.getEntriesByType('resource').map(e => e.name);")!).Select(o => (string)o).ToList();

    /// <summary>
    /// Runs axe-core (Deque's release, the script the axe browser extensions run) on the page for WCAG 2.1 A and AA
    /// and best practices; returns each violation as "impact id: help (nodes)".
    /// </summary>
    public IReadOnlyList<(string Impact, string Description)> AccessibilityViolations()
    {
        driver.ExecuteScript(new BundledAxeScriptProvider().GetScript());
        var json = (string)driver.ExecuteAsyncScript("""
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
              .then(r => done(JSON.stringify(r.violations.map(v => ({ impact: v.impact, id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) })))))
              .catch(e => done(JSON.stringify([{ impact: 'critical', id: 'axe-failed', help: String(e), nodes: [] }])));
            """)!;
        using var violations = JsonDocument.Parse(json);
        return violations.RootElement.EnumerateArray()
            .Select(v => (v.GetProperty("impact").GetString() ?? "unknown", $"{v.GetProperty("id").GetString()}: {v.GetProperty("help").GetString()} ({string.Join(", ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))})"))
            .ToList();
    }

    /// <summary>Fails on any serious or critical axe violation of the page, listing them all; writes the others to <paramref name="output"/>.</summary>
    public void AssertAccessible(string page, Xunit.Abstractions.ITestOutputHelper output)
    {
        var violations = AccessibilityViolations();
        output.WriteLine($"{page}: axe-core found {violations.Count} violation(s){string.Concat(violations.Select(v => $"\n  {v.Impact} {v.Description}"))}");
        var blocking = violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(blocking.Count == 0, $"{page}: axe found serious or critical violations:\n{string.Join("\n", blocking.Select(v => $"{v.Impact} {v.Description}"))}");
    }

    public Cookie? Cookie(string name) => driver.Manage().Cookies.GetCookieNamed(name);

    public IWebElement Find(string css) => driver.FindElement(By.CssSelector(css));

    public void Dispose()
    {
        driver.Quit();
        driver.Dispose();
        Directory.Delete(profile, recursive: true);
    }

    [System.Text.RegularExpressions.GeneratedRegex("/Type\\s*/Page[^s]")]
    private static partial System.Text.RegularExpressions.Regex PdfPage();
}
