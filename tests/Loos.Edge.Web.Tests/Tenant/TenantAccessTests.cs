using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace Loos.Edge.Web.Tests;

/// <summary>Who can read a home: the holder of its link only; wrong, revoked and oversized requests get nothing.</summary>
[Collection(PublishedHeatingCollection.Name)]
public sealed class TenantAccessTests(PublishedHeating heating)
{
    /// <summary>What only home 30's page shows: its euros so far and its projection.</summary>
    private static readonly string[] HomeThirtyFigures = ["77\u00A0€", "623\u00A0€", "au-dessus"];

    /// <summary>Requests of the holder of home 12's link (A) that try to reach home 30 (B); {A} and {B} stand for the secrets.</summary>
    public static TheoryData<string, string?, string?> Tricks => new()
    {
        { "/maison?home=30", "A", null },
        { "/maison/30", "A", null },
        { "/maison?home=30&token={B-prefix}", "A", null },
        { "/h/{A}?home=30", null, null },
        { "/h/{A}/30", null, null },
        { "/h/{A}/../30", null, null },
        { "/h/{A}%2F..%2F30", null, null },
        { "/h/30", null, null },
        { "/h/{A}{B-prefix}", null, null },
        { "/h/{B-prefix}", null, null },
        { "/h/{B-changed}", null, null },
        { "/maison", "loos-home=30", null },
        { "/maison", "loos-home={B-prefix}", null },
        { "/maison", "loos-home={B-changed}", null },
        { "/maison", "home=30; A", null },
        { "/maison", "A; loos-home={B-changed}", null },
        { "/maison", "A", "X-Home: 30" },
        { "/maison", "A", "X-Forwarded-For: 10.0.0.30" },
        { "/maison", "A", "Authorization: Bearer {B-changed}" },
        { "/maison", null, "X-Original-URL: /h/{B-changed}" },
        { "/MAISON", "A", "X-HTTP-Method-Override: POST" },
    };

    [Theory]
    [MemberData(nameof(Tricks))]
    public async Task HolderOfOneLink_CannotReadAnotherHome_ByAnyUrlParameterHeaderOrCookie(string path, string? cookie, string? header)
    {
        var a = await heating.LinkForAsync("12");
        var b = await heating.LinkForAsync("30");

        // B's secret is never given whole: the holder of A does not have it; a changed last character or a prefix is a guess.
        var changed = b[..^1] + (b[^1] == 'A' ? 'B' : 'A');
        string Fill(string text) => text.Replace("{A}", a, StringComparison.Ordinal).Replace("{B-prefix}", b[..20], StringComparison.Ordinal).Replace("{B-changed}", changed, StringComparison.Ordinal);
        await using var web = await WebApp.StartAsync(heating.SiteFile);
        var cookieValue = cookie is null ? null : Fill(cookie.Replace("A", $"loos-home={a}", StringComparison.Ordinal).Replace("loos-home=loos-home=", "loos-home=", StringComparison.Ordinal));
        var headers = header is null ? [] : new[] { (header[..header.IndexOf(':', StringComparison.Ordinal)], Fill(header[(header.IndexOf(':', StringComparison.Ordinal) + 2)..])) };

        var (response, body) = await web.GetAsync(Fill(path), cookieValue, headers);

        foreach (var figure in HomeThirtyFigures)
        {
            Assert.DoesNotContain(figure, body, StringComparison.Ordinal);
        }

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound or HttpStatusCode.TooManyRequests, $"{response.StatusCode}");
    }

    [Fact]
    public async Task RevokedLink_Gets404AndNoData_ByLinkAndByCookie()
    {
        var secret = await heating.LinkForAsync("12");
        await using var web = await WebApp.StartAsync(heating.SiteFile);
        var (before, _) = await web.GetAsync("/maison", $"loos-home={secret}");
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        var (code, output, _) = await heating.TokenAsync("revoke", "--home", "12");
        Assert.Equal(0, code);
        Assert.Contains("revoked 1", output, StringComparison.Ordinal);

        foreach (var (path, cookie) in new[] { ($"/h/{secret}", (string?)null), ("/maison", $"loos-home={secret}") })
        {
            var (response, body) = await web.GetAsync(path, cookie);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.DoesNotContain("€", body, StringComparison.Ordinal);
            Assert.DoesNotContain("kWh", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RotatedLink_ReplacesThePreviousOne()
    {
        var old = await heating.LinkForAsync("12");
        var (code, output, _) = await heating.TokenAsync("rotate", "--home", "12");
        Assert.Equal(0, code);
        var fresh = output.Trim().Split('\n')[^1].Split('/')[^1];
        await using var web = await WebApp.StartAsync(heating.SiteFile);

        Assert.Equal(HttpStatusCode.NotFound, (await web.GetAsync($"/h/{old}")).Response.StatusCode);
        Assert.Contains("11\u00A0€ sur un objectif", await web.OpenLinkAsync(fresh), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/h/abc")]
    [InlineData("/h/%2e%2e")]
    [InlineData("/h/..%2F..%2Fetc%2Fpasswd")]
    [InlineData("/h/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("/h/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("/h/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("/h/")]
    [InlineData("/maison")]
    public async Task MalformedOrUnknownToken_Gets404WithNoData(string path)
    {
        await using var web = await WebApp.StartAsync(heating.SiteFile);

        var (response, body) = await web.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page introuvable", body, StringComparison.Ordinal);
        Assert.DoesNotContain("€", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedRequests_AreRefused()
    {
        var secret = await heating.LinkForAsync("12");
        await using var web = await WebApp.StartAsync(heating.SiteFile);

        using var content = new ByteArrayContent(new byte[1024 * 1024]);
        var posted = await web.Client.PostAsync("/maison", content);
        var (longUrl, body) = await web.GetAsync($"/h/{secret}?{new string('x', 4000)}");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, posted.StatusCode);
        Assert.Equal(HttpStatusCode.RequestUriTooLong, longUrl.StatusCode);
        Assert.DoesNotContain("€", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepeatedWrongTokens_AreRefusedWith429UntilTheWindowEnds()
    {
        var secret = await heating.LinkForAsync("12");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var web = await WebApp.StartAsync(heating.SiteFile, time);
        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.NotFound, (await web.GetAsync($"/h/wrong{i}")).Response.StatusCode);
        }

        var (limited, body) = await web.GetAsync($"/h/{secret}");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 15 * 60);
        Assert.DoesNotContain("€", body, StringComparison.Ordinal);

        time.Advance(TimeSpan.FromSeconds(retryAfter));
        Assert.Contains("11\u00A0€ sur un objectif", await web.OpenLinkAsync(secret), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tokens_NeverAppearInTheLogs()
    {
        var secret = await heating.LinkForAsync("12");
        await using var web = await WebApp.StartAsync(heating.SiteFile);
        await web.OpenLinkAsync(secret);
        await web.GetAsync($"/h/{secret[..^1]}x");
        await web.GetAsync($"/h/{secret}?{new string('x', 4000)}");

        Assert.DoesNotContain(web.Logs, line => line.Contains(secret[..20], StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenList_ShowsIdsHomesAndDates_NeverASecret_AndTheFileIsPrivate()
    {
        var secret = await heating.LinkForAsync("12");

        var (code, output, _) = await heating.TokenAsync("list");

        Assert.Equal(0, code);
        Assert.Contains(output.Split('\n'), line => line.Contains(" 12 ", StringComparison.Ordinal));
        Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        var file = Path.Combine(heating.Directory, "buffer", "web-tokens.dat");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }

        Assert.DoesNotContain(secret, Encoding.Latin1.GetString(File.ReadAllBytes(file)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenCreate_RefusesASecondLinkForAHome()
    {
        await heating.LinkForAsync("12");

        var (code, _, error) = await heating.TokenAsync("create", "--home", "12");

        Assert.Equal(1, code);
        Assert.Contains("use token rotate", error, StringComparison.Ordinal);
    }
}
