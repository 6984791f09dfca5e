using System.Globalization;
using System.Text.RegularExpressions;
using OpenQA.Selenium;
using Xunit.Abstractions;

namespace Loos.Edge.Web.Tests;

/// <summary>
/// The crew in Chromium, on the real Kestrel over HTTPS: logs in, reads tonight, adds an override in the page's form
/// and sees it applied by the real gateway process through the real Mosquitto, then cancels it; the week plan prints.
/// </summary>
[Collection(CrewCollection.Name)]
public sealed partial class CrewBrowserTests(CrewFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    [Fact]
    public async Task Crew_LogsIn_AddsAnOverrideInThePage_SeesItAppliedByTheGateway_ThenCancelsIt()
    {
        var (host, origin) = await fixture.StartHttpsAsync();
        await using var _ = host;
        using var browser = new Chromium();

        browser.Open($"{origin}/equipe");
        browser.WaitUntil(b => b.Url == $"{origin}/equipe/connexion", "the login page");
        browser.AssertAccessible("the login page", output);
        LogIn(browser, origin);
        var session = browser.Cookie("loos-edge-crew");
        Assert.True(session is { IsHttpOnly: true, Secure: true, SameSite: "Strict" }, $"session cookie {session}");

        // Tonight: the programme's 30 %, confirmed by both luminaires.
        Assert.Contains($"Passerelle {CrewFixture.Gateway}", browser.Text, StringComparison.Ordinal);
        Assert.Matches($"{CrewFixture.Circuit} 30 % l01 30 %, l02 30 %", browser.Text);
        foreach (var (width, height, mobile) in new[] { (390, 844, true), (1280, 800, false) })
        {
            browser.Viewport(width, height, mobile);
            browser.Open($"{origin}/equipe");
            output.WriteLine($"screenshot {browser.Screenshot($"crew-{width}x{height}")}");
            Assert.True(browser.ContentWidth <= width, $"at {width} px the page is {browser.ContentWidth} px wide: the crew has to scroll sideways");
        }

        browser.AssertAccessible("the crew's page", output);

        // The form: the circuit, 70 %, until an hour from now (the date picker's value), a reason.
        var sentAt = DateTimeOffset.UtcNow;
        var form = browser.Find("form[action='/equipe/derogation']");
        form.FindElement(By.XPath($".//select[@name='circuit']/option[. = '{CrewFixture.Circuit}']")).Click();
        form.FindElement(By.Name("level")).SendKeys("70");
        var until = TimeZoneInfo.ConvertTime(sentAt.AddHours(1), Paris).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
        ((IJavaScriptExecutor)browser.Page).ExecuteScript("arguments[0].value = arguments[1];", form.FindElement(By.Name("until")), until);
        form.FindElement(By.Name("reason")).SendKeys("marché de Noël");
        form.FindElement(By.CssSelector("button[type=submit]")).Click();

        // Pending, then applied by the gateway: the page reloads itself until the answer is there.
        browser.WaitUntil(b => b.Text.Contains("appliquée", StringComparison.Ordinal), "the override applied");
        Assert.Contains($"{CrewFixture.Circuit} à 70 %", browser.Text, StringComparison.Ordinal);
        await fixture.LightingController.WaitForCommandAsync(c => c.Level == 70 && c.At >= sentAt && c.Luminaire == "l02", TimeSpan.FromSeconds(20), "of 70 % from the crew's override");
        var id = AppliedId().Match(browser.Text).Groups[1].Value;

        // Cancelled with the button beside it: the programme's 30 % again.
        var cancelledAt = DateTimeOffset.UtcNow;
        browser.Find($"form[action='/equipe/derogation/annuler'] input[value='{id}']").FindElement(By.XPath("..")).FindElement(By.TagName("button")).Click();
        browser.WaitUntil(b => b.Text.Contains($"annuler la dérogation {id}", StringComparison.Ordinal) && Regex.Count(b.Text, "appliquée") >= 2, "the cancellation applied");
        await fixture.LightingController.WaitForCommandAsync(c => c.Level == CrewFixture.ProgrammeLevel && c.At >= cancelledAt && c.Luminaire == "l02", TimeSpan.FromSeconds(20), "of the programme's 30 % after the cancellation");
    }

    [Fact]
    public async Task WeekPlan_PrintsOnOneA4Page_AndIsAccessible()
    {
        var (host, origin) = await fixture.StartHttpsAsync();
        await using var _ = host;
        using var browser = new Chromium();
        browser.Open($"{origin}/equipe/connexion");
        LogIn(browser, origin);

        browser.Open($"{origin}/equipe/semaine");
        Assert.Contains("plan de la semaine", browser.Text, StringComparison.Ordinal);
        browser.AssertAccessible("the week plan", output);

        var pages = browser.PrintA4("crew-week");
        Assert.True(pages == 1, $"the week plan prints on {pages} A4 pages");
    }

    /// <summary>Logs in on the login page the browser shows, as the crew does.</summary>
    private static void LogIn(Chromium browser, string origin)
    {
        browser.Find("input[name=name]").SendKeys(CrewFixture.User);
        browser.Find("input[name=password]").SendKeys(CrewFixture.Password);
        browser.Find("form[action='/equipe/connexion'] button").Click();
        browser.WaitUntil(b => b.Url == $"{origin}/equipe", "the crew's page after the login");
    }

    [GeneratedRegex("appliquée \\(([0-9a-f]+)\\)")]
    private static partial Regex AppliedId();
}
