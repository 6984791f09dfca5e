using System.Text.RegularExpressions;
using Loos.Edge.SiteFiles;
using Loos.Edge.Testing;
using Xunit.Abstractions;

namespace Loos.Edge.Web.Tests;

/// <summary>
/// A tenant opens their link in Chromium, served by the real Kestrel over HTTPS from the series the gateway published:
/// the page of their home, in French, on a phone and on a desktop, with nothing loaded from elsewhere.
/// </summary>
[Collection(PublishedHeatingCollection.Name)]
public sealed partial class TenantBrowserTests(PublishedHeating heating, ITestOutputHelper output)
{
    // The figures are those of TenantPageTests, worked by hand from the readings.
    [Theory]
    [InlineData("12", "Votre chauffage cette saison : 11 € sur un objectif de 150 €", "dans l'objectif")]
    [InlineData("30", "Votre chauffage cette saison : 77 € sur un objectif de 150 €", "au-dessus de l'objectif")]
    public async Task Link_OpenedInTheBrowser_ShowsItsHomesEurosAndStatus_AndLeavesNoTokenInTheAddress(string home, string headline, string status)
    {
        var secret = await heating.LinkForAsync(home);
        var (host, origin) = await StartHttpsAsync();
        await using var _ = host;
        using var browser = new Chromium();

        browser.Open($"{origin}/h/{secret}");
        browser.WaitUntil(b => b.Url == $"{origin}/maison", "the home's page after the link");

        var text = Spaces(browser.Text);
        Assert.Contains(headline, text, StringComparison.Ordinal);
        Assert.Contains(status, text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, browser.Url, StringComparison.Ordinal);

        // The token now lives only in a cookie scripts cannot read, bound to this host over HTTPS.
        var cookie = browser.Cookie("__Host-loos-home");
        Assert.NotNull(cookie);
        Assert.True(cookie.IsHttpOnly && cookie.Secure && cookie.Path == "/", $"cookie {cookie}");
    }

    [Fact]
    public async Task Page_ReadsOnAPhoneAndADesktop_IsAccessible_AndLoadsNothingFromElsewhere()
    {
        var secret = await heating.LinkForAsync("7");
        var (host, origin) = await StartHttpsAsync();
        await using var _ = host;
        using var browser = new Chromium();
        browser.Open($"{origin}/h/{secret}");
        browser.WaitUntil(b => b.Url == $"{origin}/maison", "the home's page after the link");

        foreach (var (width, height, mobile) in new[] { (390, 844, true), (1280, 800, false) })
        {
            browser.Viewport(width, height, mobile);
            browser.Open($"{origin}/maison");
            Assert.Contains("Votre chauffage cette saison", browser.Text, StringComparison.Ordinal);
            output.WriteLine($"screenshot {browser.Screenshot($"tenant-{width}x{height}")}");
            Assert.True(browser.ContentWidth <= width, $"at {width} px the page is {browser.ContentWidth} px wide: the reader has to scroll sideways");
        }

        // Home 7 has estimated days and a silent meter: the notice and the chart's legend are part of what axe checks.
        Assert.Contains("Le compteur n'a rien transmis depuis le", Spaces(browser.Text), StringComparison.Ordinal);
        browser.AssertAccessible("the tenant page", output);

        Assert.Empty(browser.LoadedResources);
        Assert.DoesNotMatch(ExternalAddress(), browser.Page.PageSource);
        var bytes = browser.DocumentBytes;
        output.WriteLine($"page weight: {bytes} bytes, no other request");
        Assert.InRange(bytes, 1, 60_000);
    }

    /// <summary>The fixture's web section on a real Kestrel over HTTPS with a self-signed certificate (the same tokens).</summary>
    private async Task<(Microsoft.AspNetCore.Builder.WebApplication Host, string Origin)> StartHttpsAsync()
    {
        var (certificateFile, keyFile) = SelfSignedCertificate.Write(heating.Directory);
        var port = FreePort.Next();
        var site = Path.Combine(heating.Directory, "site-https.yaml");
        var yaml = WebAddress().Replace(File.ReadAllText(heating.SiteFile), $"${{1}}127.0.0.1:{port}\n  certificateFile: {certificateFile}\n  keyFile: {keyFile}");
        File.WriteAllText(site, yaml);
        var host = WebHost.Build(SiteConfiguration.Load(site));
        await host.StartAsync();
        return (host, $"https://127.0.0.1:{port}");
    }

    // The browser's text keeps the page's no-break spaces (before €, in "150 €"); the expected strings use plain ones.
    private static string Spaces(string text) => text.Replace('\u00A0', ' ').Replace('\u202F', ' ');

    [GeneratedRegex("(web:\\n  address: )[^\\n]+")]
    private static partial Regex WebAddress();

    [GeneratedRegex("(?:src|href|action)=\"(?:https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalAddress();
}
