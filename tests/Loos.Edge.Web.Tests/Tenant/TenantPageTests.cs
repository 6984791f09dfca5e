using System.Net;

namespace Loos.Edge.Web.Tests;

/// <summary>What a tenant sees through their link, from the series the gateway published into a real influxd.</summary>
[Collection(PublishedHeatingCollection.Name)]
public sealed class TenantPageTests(PublishedHeating heating)
{
    // Expected figures worked by hand from the readings, not from the gateway's code. Cost so far: kWh × 0.10 €
    // + 50 € × 25 days / 365. Home 12: 73.75 kWh → 10.80 €, projected 573 kWh (the design's worked example) → 107.30 €,
    // on track. Home 30 (ten times the heat): 737.5 kWh → 77.17 €, projected 5 730 kWh → 623 €, over the 150 € target.
    [Theory]
    [InlineData("12", "Votre chauffage cette saison : 11\u00A0€ sur un objectif de 150\u00A0€", "107\u00A0€", "dans l'objectif")]
    [InlineData("30", "Votre chauffage cette saison : 77\u00A0€ sur un objectif de 150\u00A0€", "623\u00A0€", "au-dessus de l'objectif")]
    public async Task Link_OpensThePageOfItsHome_WithEurosProjectionAndStatusInFrench(string home, string headline, string projection, string status)
    {
        var page = await PageOfAsync(home);

        Assert.Contains("<html lang=\"fr\">", page, StringComparison.Ordinal);
        Assert.Contains(headline, page, StringComparison.Ordinal);
        Assert.Contains($"la saison coûterait environ {projection}", page, StringComparison.Ordinal);
        Assert.Contains(status, page, StringComparison.Ordinal);
        Assert.Contains("<svg", page, StringComparison.Ordinal);
        Assert.Contains("Données mises à jour il y a", page, StringComparison.Ordinal);
        Assert.DoesNotContain("n'a rien transmis depuis", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_OfASilentMeter_SaysSoAndMarksEstimatedDays()
    {
        var page = await PageOfAsync("7");

        Assert.Contains("Le compteur n'a rien transmis depuis le ", page, StringComparison.Ordinal);
        Assert.Contains("(estimé)", page, StringComparison.Ordinal);
        Assert.Contains("jours sont estimés", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Page_DayEstimatedThenMeasured_ShowsItMeasured()
    {
        // Home 7 sent nothing on days 11 to 13; the reading of day 12 arrives late and the gateway publishes again.
        var secret = await heating.LinkForAsync("7");
        var dayTwelve = heating.FirstDay.AddDays(12);
        string[] months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"];
        var row = new System.Text.RegularExpressions.Regex(
            $"<tr><td>{(dayTwelve.Day == 1 ? "1er" : dayTwelve.Day.ToString(System.Globalization.CultureInfo.InvariantCulture))} {months[dayTwelve.Month - 1]}</td><td>([^<]*)</td>");
        await using (var web = await WebApp.StartAsync(heating.SiteFile))
        {
            var before = row.Match(await web.OpenLinkAsync(secret));
            Assert.True(before.Success, "no row for day 12");
            Assert.EndsWith("(estimé)", before.Groups[1].Value, StringComparison.Ordinal);
        }

        var midnight = TimeZoneInfo.ConvertTimeToUtc(dayTwelve.ToDateTime(TimeOnly.MinValue), TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        var query = $"SELECT \"kwh_quality\" FROM \"heating_daily\" WHERE \"home\" = '7' AND time = {new DateTimeOffset(midnight).ToUnixTimeMilliseconds()}ms";
        await heating.PublishAgainAsync(
            heating.MissedReadingOfHome7(12),
            async () => await heating.Influxd.QueryAsync(PublishedHeating.Database, query) is [{ Values.Count: 1 } series] && series[0, "kwh_quality"].GetString() != "estimated");

        await using (var web = await WebApp.StartAsync(heating.SiteFile))
        {
            var page = await web.OpenLinkAsync(secret);
            var after = row.Match(page);
            Assert.True(after.Success, "no row for day 12");
            Assert.DoesNotContain("estimé", after.Groups[1].Value, StringComparison.Ordinal);

            // Days 11 and 13 have still no reading of their own.
            Assert.Contains("(estimé)", page, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Page_OfAHomeWithoutData_SaysSoInFrench()
    {
        var page = await PageOfAsync("99");

        Assert.Contains("<html lang=\"fr\">", page, StringComparison.Ordinal);
        Assert.Contains("ne sont pas encore disponibles", page, StringComparison.Ordinal);
        Assert.DoesNotContain("€", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Link_SetsAStrictHttpOnlyCookie_AndMovesOnWithoutTheToken()
    {
        var secret = await heating.LinkForAsync("12");
        await using var web = await WebApp.StartAsync(heating.SiteFile);

        var (response, body) = await web.GetAsync($"/h/{secret}");

        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<meta http-equiv=\"refresh\" content=\"0;url=/maison\">", body, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("€", body, StringComparison.Ordinal);
    }

    /// <summary>The page a new link of <paramref name="home"/> opens, on a web host of its own.</summary>
    private async Task<string> PageOfAsync(string home)
    {
        var secret = await heating.LinkForAsync(home);
        await using var web = await WebApp.StartAsync(heating.SiteFile);
        return await web.OpenLinkAsync(secret);
    }
}
