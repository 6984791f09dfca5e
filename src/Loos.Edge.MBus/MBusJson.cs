using System.Text;
using System.Text.Json;

namespace Loos.Edge.MBus;

/// <summary>The JSON form of a decoded telegram, as printed by <c>loos-edge mbus decode --json</c>.</summary>
public static class MBusJson
{
    /// <summary>Writes <paramref name="telegram"/> as one JSON object; an application error gives <c>{"error": …}</c>.</summary>
    public static string Serialize(MBusTelegram telegram)
    {
        ArgumentNullException.ThrowIfNull(telegram);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            if (telegram.Error is { } error)
            {
                writer.WriteString("error", error);
                writer.WriteNumber("errorCode", telegram.ErrorCode!.Value);
                writer.WriteEndObject();
                writer.Flush();
                return Encoding.UTF8.GetString(stream.ToArray());
            }

            WriteOptional(writer, "manufacturer", telegram.Manufacturer);
            WriteOptional(writer, "identification", telegram.Identification);
            WriteOptional(writer, "version", telegram.Version);
            WriteOptional(writer, "medium", telegram.Medium);
            WriteOptional(writer, "accessNumber", telegram.AccessNumber);
            WriteOptional(writer, "status", telegram.Status);
            writer.WriteStartArray("records");
            foreach (var record in telegram.Records)
            {
                writer.WriteStartObject();
                writer.WriteString("function", FunctionName(record.Function));
                writer.WriteNumber("storage", record.Storage);
                writer.WriteNumber("tariff", record.Tariff);
                writer.WriteNumber("subunit", record.Subunit);
                writer.WriteString("quantity", record.Quantity);
                writer.WriteString("unit", record.Unit);
                if (record.Value is { } value && double.IsFinite(value))
                {
                    writer.WriteNumber("value", value);
                }
                else if (record.Text is { } text)
                {
                    writer.WriteString("value", text);
                }
                else
                {
                    writer.WriteNull("value");
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The JSON name of a function: instantaneous, maximum, minimum, errorState, manufacturerSpecific, moreRecordsFollow, actual.</summary>
    public static string FunctionName(MBusFunction function) => function switch
    {
        MBusFunction.Instantaneous => "instantaneous",
        MBusFunction.Maximum => "maximum",
        MBusFunction.Minimum => "minimum",
        MBusFunction.ErrorState => "errorState",
        MBusFunction.ManufacturerSpecific => "manufacturerSpecific",
        MBusFunction.MoreRecordsFollow => "moreRecordsFollow",
        _ => "actual",
    };

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, byte? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }
}
