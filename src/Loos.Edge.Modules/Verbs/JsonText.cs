using System.Text;
using System.Text.Json;

namespace Loos.Edge.Verbs;

/// <summary>JSON written field by field for a verb's output, as one string.</summary>
public static class JsonText
{
    public static string Write(Action<Utf8JsonWriter> write, bool indented = false)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes <paramref name="value"/> (rounded to <paramref name="decimals"/> when given), or null when there is none.</summary>
    public static void WriteNumberOrNull(this Utf8JsonWriter writer, string name, double? value, int? decimals = null)
    {
        if (value is { } number && double.IsFinite(number))
        {
            writer.WriteNumber(name, decimals is { } places ? Math.Round(number, places) : number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }
}
