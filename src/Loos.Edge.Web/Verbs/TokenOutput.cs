using System.Text.Json;
using Loos.Edge.Web.Tenant;

namespace Loos.Edge.Web.Verbs;

/// <summary>How the token verbs print a link: once, for the energy manager to hand to the tenant.</summary>
internal static class TokenOutput
{
    public static async Task WriteLinkAsync(TextWriter output, TenantToken token, string link, bool json)
    {
        if (json)
        {
            await output.WriteLineAsync(JsonText.Write(writer => Write(writer, token, link))).ConfigureAwait(false);
            return;
        }

        await output.WriteLineAsync($"home {token.Home}: link {token.Id} created; give this address to the tenant (it is shown only now):").ConfigureAwait(false);
        await output.WriteLineAsync(link).ConfigureAwait(false);
    }

    public static string Json(IEnumerable<TenantToken> tokens) => JsonText.Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var token in tokens)
        {
            Write(writer, token, link: null);
        }

        writer.WriteEndArray();
    });

    public static string Time(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static void Write(Utf8JsonWriter writer, TenantToken token, string? link)
    {
        writer.WriteStartObject();
        writer.WriteString("id", token.Id);
        writer.WriteString("home", token.Home);
        writer.WriteString("created", Time(token.Created));
        if (link is not null)
        {
            writer.WriteString("link", link);
        }

        writer.WriteEndObject();
    }
}
