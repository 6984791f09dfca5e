using System.Net;
using System.Text.RegularExpressions;

namespace Loos.Edge.Web.Tests;

/// <summary>
/// The crew's pages over HTTP against a real gateway's series in a real influxd: the login and its cookie, CSRF,
/// the rate limit, what the page shows, and the override form's refusals (nothing sent).
/// </summary>
[Collection(CrewCollection.Name)]
public sealed partial class CrewPageTests(CrewFixture fixture)
{
    private static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
    private static readonly string[] Weekdays = ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"];
    private static readonly string[] Months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];

    [Fact]
    public async Task Login_WrongPasswordRefused_TheRightOneGivesAnHttpOnlyStrictCookie_SecureOverHttps()
    {
        using var client = fixture.Client("https://localhost/");
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/equipe")).StatusCode);

        using var wrong = await PostAsync(client, "/equipe/connexion", "/equipe/connexion", ("name", CrewFixture.User), ("password", "pas-le-bon-mot"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Nom ou mot de passe incorrect", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var right = await PostAsync(client, "/equipe/connexion", "/equipe/connexion", ("name", CrewFixture.User), ("password", CrewFixture.Password));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        var cookie = Assert.Single(right.Headers.GetValues("Set-Cookie"), c => c.StartsWith("loos-edge-crew=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/equipe")).StatusCode);
    }

    [Fact]
    public async Task Login_AfterFiveFailures_RefusedWith429_EvenWithTheRightPassword()
    {
        // Its own client address, so that the other tests' logins are not held back.
        using var client = fixture.Client(remoteAddress: IPAddress.Parse("192.0.2.7"));
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var failed = await PostAsync(client, "/equipe/connexion", "/equipe/connexion", ("name", "paul"), ("password", $"essai-{attempt}"));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        using var blocked = await PostAsync(client, "/equipe/connexion", "/equipe/connexion", ("name", CrewFixture.User), ("password", CrewFixture.Password));
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.NotNull(blocked.Headers.RetryAfter);
        Assert.DoesNotContain(blocked.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("loos-edge-crew=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Page_ShowsTheGatewaysCircuit_TonightTheWeekAheadWithSunTimes_CommandedAndReportedLevels()
    {
        using var client = await LoggedInAsync();
        var html = await client.GetStringAsync("/equipe");

        Assert.Contains($"Passerelle {CrewFixture.Gateway}", html, StringComparison.Ordinal);
        Assert.Contains("lang=\"fr\"", html, StringComparison.Ordinal);

        // The programme: 30 % from noon, every night of the week; 8 rows, the first tonight's.
        var nightStart = LocalNoonOfTheNightInProgress();
        for (var night = 0; night < 8; night++)
        {
            var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(nightStart.AddDays(night), Paris).DateTime);
            Assert.Contains($"<th scope=\"row\">{Weekdays[(int)date.DayOfWeek]} {(date.Day == 1 ? "1er" : date.Day)} {Months[date.Month - 1]}</th>", html, StringComparison.Ordinal);
        }

        Assert.Contains("12:00 30 %", html, StringComparison.Ordinal);
        Assert.Contains("coucher ", html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);

        // Commanded 30 % and confirmed; both luminaires report 30 %.
        Assert.Matches($"<th scope=\"row\">{CrewFixture.Circuit}</th><td>30 %</td><td>l01 30 %, l02 30 %</td>", html);

        var week = await client.GetStringAsync("/equipe/semaine");
        Assert.Contains("plan de la semaine", week, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", week, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Override_PostWithoutAntiforgeryToken_Is400AndNothingIsSent()
    {
        using var client = await LoggedInAsync();
        var sent = fixture.Overrides.Recent().Count;
        using var form = new FormUrlEncodedContent(OverrideFields(CrewFixture.Circuit, 100, TimeSpan.FromHours(1)).Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));
        using var response = await client.PostAsync("/equipe/derogation", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(sent, fixture.Overrides.Recent().Count);
    }

    [Theory]
    [InlineData("grand-place", 100, 1, "le circuit « grand-place » est inconnu")]
    [InlineData(CrewFixture.Circuit, 100, -1, "est déjà passée")]
    [InlineData(CrewFixture.Circuit, 100, 13, "une dérogation dure au plus 12 h")]
    [InlineData(CrewFixture.Circuit, 140, 1, "un nombre entier de 0 à 100")]
    public async Task Override_Refused_SaysWhy_AndNothingIsSent(string circuit, int level, int hours, string why)
    {
        using var client = await LoggedInAsync();
        var sent = fixture.Overrides.Recent().Count;
        using var response = await PostAsync(client, "/equipe", "/equipe/derogation", OverrideFields(circuit, level, TimeSpan.FromHours(hours)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(why, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(sent, fixture.Overrides.Recent().Count);
    }

    [Fact]
    public async Task Override_OversizedForm_RefusedAndNothingIsSent()
    {
        using var client = await LoggedInAsync();
        var sent = fixture.Overrides.Recent().Count;
        var fields = OverrideFields(CrewFixture.Circuit, 100, TimeSpan.FromHours(1)).Append(("reason", new string('x', 64 * 1024))).ToArray();
        using var response = await PostAsync(client, "/equipe", "/equipe/derogation", fields);

        Assert.True(response.StatusCode is HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.BadRequest, $"got {(int)response.StatusCode}");
        Assert.Equal(sent, fixture.Overrides.Recent().Count);
    }

    internal static (string, string)[] OverrideFields(string circuit, int level, TimeSpan until) =>
    [
        ("gateway", CrewFixture.Gateway),
        ("circuit", circuit),
        ("level", level.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("until", TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow + until + TimeSpan.FromMinutes(1), Paris).ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture)),
        ("reason", "fête de la Sainte-Barbe"),
    ];

    internal async Task<HttpClient> LoggedInAsync()
    {
        var client = fixture.Client();
        using var login = await PostAsync(client, "/equipe/connexion", "/equipe/connexion", ("name", CrewFixture.User), ("password", CrewFixture.Password));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        return client;
    }

    /// <summary>Posts a form as a browser would: with the antiforgery token of the page <paramref name="page"/> it was on.</summary>
    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string page, string action, params (string Name, string Value)[] fields)
    {
        var html = await client.GetStringAsync(page);
        var token = TokenField().Match(html);
        Assert.True(token.Success, $"no antiforgery token on {page}");
        using var form = new FormUrlEncodedContent([.. fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)), new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value))]);
        return await client.PostAsync(action, form);
    }

    private static DateTimeOffset LocalNoonOfTheNightInProgress()
    {
        var local = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Paris);
        var noon = DateOnly.FromDateTime(local.DateTime.AddHours(-12)).ToDateTime(new TimeOnly(12, 0));
        return new DateTimeOffset(noon, Paris.GetUtcOffset(noon));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
