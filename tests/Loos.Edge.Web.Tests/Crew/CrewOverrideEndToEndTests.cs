using System.Net;
using System.Text.RegularExpressions;

namespace Loos.Edge.Web.Tests;

/// <summary>
/// A request the real gateway process refuses, over the real Mosquitto: the page shows the gateway's reason. (The
/// crew adding and cancelling an override that the gateway applies is CrewBrowserTests, in Chromium.)
/// </summary>
[Collection(CrewCollection.Name)]
public sealed partial class CrewOverrideEndToEndTests(CrewFixture fixture)
{
    [Fact]
    public async Task Override_TheGatewaysRefusal_IsShownWithItsReason()
    {
        var page = new CrewPageTests(fixture);
        using var client = await page.LoggedInAsync();

        // A cancellation of an override the gateway does not have: it answers with its reason, and the form's answer waits
        // for it, so the very next page shows the refusal.
        using var cancelled = await CrewPageTests.PostAsync(client, "/equipe", "/equipe/derogation/annuler", ("gateway", CrewFixture.Gateway), ("id", "0badc0de"));
        Assert.Equal(HttpStatusCode.Redirect, cancelled.StatusCode);
        var html = await client.GetStringAsync("/equipe");
        Assert.Matches(RefusedRow(), html);
    }

    [GeneratedRegex("annuler la dérogation 0badc0de</td><td>[^<]*</td><td class=\"request-state\"><span class=\"bad\">refusée</span> : [^<]+")]
    private static partial Regex RefusedRow();
}
