using System.Text;
using System.Text.Json;

namespace Loos.Edge.SunSpec;

/// <summary>
/// Writes a device as <c>{"models":[{"id":103,"name":"inverter_three_phase","address":40070,"length":50,"points":{...}}]}</c>:
/// numbers as numbers, enums and strings as strings, bitfields as arrays of set symbol names, not implemented as
/// <c>null</c>, repeating groups as arrays of objects and single groups as objects inside <c>points</c>; a model not
/// defined here has empty <c>points</c> and its raw <c>registers</c> (after <c>ID</c> and <c>L</c>).
/// </summary>
public static class SunSpecJson
{
    /// <summary>The device as JSON text.</summary>
    public static string Serialize(SunSpecDevice device, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(device);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = indented }))
        {
            Write(writer, device);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Writes the device to <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, SunSpecDevice device)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(device);
        writer.WriteStartObject();
        writer.WriteStartArray("models");
        foreach (var model in device.Models)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", model.Id);
            writer.WriteString("name", model.Name);
            writer.WriteNumber("address", model.Address);
            writer.WriteNumber("length", model.Length);
            writer.WritePropertyName("points");
            SunSpecModels.TryGet(model.Id, out var definition);
            WritePoints(writer, model.Points, model.Groups, definition?.Group);
            if (!model.IsDecoded)
            {
                // A model without a definition here is shown raw, so that nothing the device said is lost.
                writer.WriteStartArray("registers");
                foreach (var register in model.Registers.Span[2..])
                {
                    writer.WriteNumberValue(register);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WritePoints(
        Utf8JsonWriter writer, IReadOnlyDictionary<string, object?> points, IReadOnlyList<SunSpecGroupInstance> groups, SunSpecGroupDefinition? definition)
    {
        writer.WriteStartObject();
        foreach (var (name, value) in points)
        {
            writer.WritePropertyName(name);
            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case double number:
                    writer.WriteNumberValue(number);
                    break;
                case string text:
                    writer.WriteStringValue(text);
                    break;
                case string[] names:
                    writer.WriteStartArray();
                    foreach (var item in names)
                    {
                        writer.WriteStringValue(item);
                    }

                    writer.WriteEndArray();
                    break;
                default:
                    writer.WriteStringValue(value.ToString());
                    break;
            }
        }

        foreach (var child in definition?.Groups ?? [])
        {
            var instances = groups.Where(instance => instance.Name == child.Name).ToList();
            if (child.Count.Kind == SunSpecGroupCountKind.Once)
            {
                if (instances.Count > 0)
                {
                    writer.WritePropertyName(child.Name);
                    WritePoints(writer, instances[0].Points, instances[0].Groups, child);
                }

                continue;
            }

            // A repeating group is an array even when the device declares no occurrence.
            writer.WriteStartArray(child.Name);
            foreach (var instance in instances)
            {
                WritePoints(writer, instance.Points, instance.Groups, child);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
