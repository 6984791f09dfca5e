using System.Net;
using System.Text.RegularExpressions;

namespace Loos.Edge.Web.Crew.Tests;

/// <summary>
/// The crew adds an override in the page's form: the request goes over the real Mosquitto to the real gateway
/// process, which drives the simulated controller, and the page shows it pending, then applied; then cancelled.
/// </summary>
[Collection(CrewCollection.Name)]
public sealed partial class CrewOverrideEndToEndTests(CrewFixture fixture)
{
    [Fact]
    public async Task Override_AddedInThePage_IsAppliedByTheGateway_ThenCancelled()
    {
        var page = new CrewPageTests(fixture);
        using var client = await page.LoggedInAsync();
        var sentAt = DateTimeOffset.UtcNow;

        using var added = await CrewPageTests.PostAsync(client, "/equipe", "/equipe/derogation", CrewPageTests.OverrideFields(CrewFixture.Circuit, 70, TimeSpan.FromHours(1)));
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);

        // The gateway applies it: the page says so, and the luminaires get 70 %.
        var html = await WaitForPageAsync(client, h => h.Contains("appliquée", StringComparison.Ordinal), "the override applied");
        Assert.Contains($"{CrewFixture.Circuit} à 70 %", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        await fixture.LightingController.WaitForCommandAsync(c => c.Level == 70 && c.At >= sentAt && c.Luminaire == "l02", TimeSpan.FromSeconds(20), "of 70 % from the crew's override");

        // Cancelled from the same page: the programme's 30 % again.
        var id = AppliedId().Match(html).Groups[1].Value;
        var cancelledAt = DateTimeOffset.UtcNow;
        using var cancelled = await CrewPageTests.PostAsync(client, "/equipe", "/equipe/derogation/annuler", ("gateway", CrewFixture.Gateway), ("id", id));
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        await WaitForPageAsync(client, h => Regex.Count(h, "appliquée") >= 2 && h.Contains($"annuler la dérogation {id}", StringComparison.Ordinal), "the cancellation applied");
        await fixture.LightingController.WaitForCommandAsync(c => c.Level == CrewFixture.ProgrammeLevel && c.At >= cancelledAt && c.Luminaire == "l02", TimeSpan.FromSeconds(20), "of the programme's 30 % after the cancellation");
    }

    [Fact]
    public async Task Override_TheGatewaysRefusal_IsShownWithItsReason()
    {
        var page = new CrewPageTests(fixture);
        using var client = await page.LoggedInAsync();

        // A cancellation of an override the gateway does not have: it answers with its reason.
        using var cancelled = await CrewPageTests.PostAsync(client, "/equipe", "/equipe/derogation/annuler", ("gateway", CrewFixture.Gateway), ("id", "0badc0de"));
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        var html = await WaitForPageAsync(client, h => h.Contains("annuler la dérogation 0badc0de", StringComparison.Ordinal) && RefusedRow().IsMatch(h), "the gateway's refusal");
        Assert.Contains("0badc0de", RefusedRow().Match(html).Value, StringComparison.Ordinal);
    }

    private static async Task<string> WaitForPageAsync(HttpClient client, Func<string, bool> shows, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        var html = "";
        while (DateTime.UtcNow < deadline)
        {
            html = await client.GetStringAsync("/equipe");
            if (shows(html))
            {
                return html;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"the page never showed {what}:\n{html}");
        return html;
    }

    [GeneratedRegex("appliquée</span> \\(([0-9a-f]+)\\)")]
    private static partial Regex AppliedId();

    [GeneratedRegex("annuler la dérogation 0badc0de</td><td>[^<]*</td><td class=\"request-state\"><span class=\"bad\">refusée</span> : [^<]+")]
    private static partial Regex RefusedRow();
}
