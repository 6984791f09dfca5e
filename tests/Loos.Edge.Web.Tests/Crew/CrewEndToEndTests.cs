using System.Net;
using System.Text.RegularExpressions;
using Loos.Edge.Testing;

namespace Loos.Edge.Web.Tests;

/// <summary>
/// What the real gateway process and the simulated controller do, seen on the crew's page through the real Mosquitto
/// and influxd: a refused request with the gateway's reason, a failed lamp, a circuit that does not follow. (The crew
/// adding and cancelling an override that the gateway applies is CrewBrowserTests, in Chromium.)
/// </summary>
[Collection(CrewCollection.Name)]
public sealed partial class CrewEndToEndTests(CrewFixture fixture)
{
    [Fact]
    public async Task Override_TheGatewaysRefusal_IsShownWithItsReason()
    {
        using var client = await new CrewPageTests(fixture).LoggedInAsync();

        // A cancellation of an override the gateway does not have: it answers with its reason, and the form's answer waits
        // for it, so the very next page shows the refusal.
        using var cancelled = await CrewPageTests.PostAsync(client, "/equipe", "/equipe/derogation/annuler", ("gateway", CrewFixture.Gateway), ("id", "0badc0de"));
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        var html = await client.GetStringAsync("/equipe");
        Assert.Matches(RefusedRow(), html);
    }

    [Fact]
    public async Task LampFailure_ReportedByTheController_IsShownOnItsCircuit_UntilTheLampIsReplaced()
    {
        using var client = await new CrewPageTests(fixture).LoggedInAsync();
        try
        {
            await fixture.LightingController.SetLampFailedAsync("l02", failed: true);
            var html = await WaitForPageAsync(client, h => h.Contains("lampe en panne", StringComparison.Ordinal), "the failed lamp");
            Assert.Matches($"<th scope=\"row\">{CrewFixture.Circuit}</th><td>30 %</td><td>l01 30 %, l02 30 %</td><td><span class=\"ok\">suit le plan</span><br><span class=\"bad\">lampe en panne : l02</span></td>", html);
        }
        finally
        {
            await fixture.LightingController.SetLampFailedAsync("l02", failed: false);
            await WaitForPageAsync(client, h => !h.Contains("lampe en panne", StringComparison.Ordinal), "the lamp replaced");
        }
    }

    [Fact]
    public async Task Circuit_WhoseLuminairesReportAnotherLevel_IsShownNotFollowing_ThenFollowingAgain()
    {
        using var client = await new CrewPageTests(fixture).LoggedInAsync();
        var controller = fixture.LightingController;
        controller.Behaviour = ControllerBehaviour.ReportOther;
        string? overrideId = null;
        try
        {
            using var added = await CrewPageTests.PostAsync(client, "/equipe", "/equipe/derogation", CrewPageTests.OverrideFields(CrewFixture.Circuit, 70, TimeSpan.FromHours(1)));
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
            var html = await WaitForPageAsync(client, h => h.Contains("ne suit pas", StringComparison.Ordinal), "the circuit not following");
            overrideId = AppliedId().Match(html).Groups[1].Value;
            Assert.Matches($"<th scope=\"row\">{CrewFixture.Circuit}</th><td>70 %</td><td>l01 {controller.OtherLevel} %, l02 {controller.OtherLevel} %</td><td><span class=\"bad\">ne suit pas</span>", html);
        }
        finally
        {
            controller.Behaviour = ControllerBehaviour.Follow;
            if (!string.IsNullOrEmpty(overrideId))
            {
                using var cancelled = await CrewPageTests.PostAsync(client, "/equipe", "/equipe/derogation/annuler", ("gateway", CrewFixture.Gateway), ("id", overrideId));
            }

            await WaitForPageAsync(client, h => h.Contains($"<td>{CrewFixture.ProgrammeLevel} %</td><td>l01 30 %, l02 30 %</td><td><span class=\"ok\">suit le plan</span>", StringComparison.Ordinal), "the circuit following the programme again");
        }
    }

    internal static async Task<string> WaitForPageAsync(HttpClient client, Func<string, bool> shows, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var html = "";
        while (DateTime.UtcNow < deadline)
        {
            html = await client.GetStringAsync("/equipe");
            if (shows(html))
            {
                return html;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"the page never showed {what}:\n{html}");
        return html;
    }

    [GeneratedRegex("appliquée</span> \\(([0-9a-f]+)\\)")]
    private static partial Regex AppliedId();

    [GeneratedRegex("annuler la dérogation 0badc0de</td><td>[^<]*</td><td class=\"request-state\"><span class=\"bad\">refusée</span> : [^<]+")]
    private static partial Regex RefusedRow();
}
