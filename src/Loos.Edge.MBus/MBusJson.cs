using System.Text;
using System.Text.Json;
using Loos.Edge.MBus.Master;

namespace Loos.Edge.MBus;

/// <summary>The JSON form of a decoded telegram, as printed by <c>loos-edge mbus decode --json</c> and <c>mbus read --json</c>.</summary>
public static class MBusJson
{
    /// <summary>Writes <paramref name="telegram"/> as one JSON object; an application error gives <c>{"error": …}</c>.</summary>
    public static string Serialize(MBusTelegram telegram)
    {
        ArgumentNullException.ThrowIfNull(telegram);
        return Write(telegram.Header, telegram.Records, writer => { });
    }

    /// <summary>
    /// Writes a readout as one telegram object: the first telegram's header, the records of every telegram (without
    /// the "more records follow" markers), the number of telegrams, and <c>truncated</c> when the telegram limit cut it.
    /// </summary>
    public static string Serialize(MBusReadout readout)
    {
        ArgumentNullException.ThrowIfNull(readout);
        return Write(readout.First.Header, [.. readout.Records], writer =>
        {
            writer.WriteNumber("telegrams", readout.Telegrams.Count);
            if (readout.Truncated)
            {
                writer.WriteBoolean("truncated", true);
            }
        });
    }

    private static string Write(MBusTelegramHeader header, IReadOnlyList<MBusRecord> records, Action<Utf8JsonWriter> writeExtra)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            if (header.Error is { } error)
            {
                writer.WriteString("error", error);
                writer.WriteNumber("errorCode", header.ErrorCode!.Value);
                writer.WriteEndObject();
                writer.Flush();
                return Encoding.UTF8.GetString(stream.ToArray());
            }

            WriteOptional(writer, "manufacturer", header.Manufacturer);
            WriteOptional(writer, "identification", header.Identification);
            WriteOptional(writer, "version", header.Version);
            WriteOptional(writer, "medium", header.Medium);
            WriteOptional(writer, "accessNumber", header.AccessNumber);
            WriteOptional(writer, "status", header.Status);
            writeExtra(writer);
            writer.WriteStartArray("records");
            foreach (var record in records)
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
