using System.Text;
using System.Text.Json;
using Loos.Edge.Modbus.Points;

namespace Loos.Edge.Verbs.Modbus;

/// <summary>What <c>modbus read</c> prints: one line per value with its raw registers, or one JSON object.</summary>
internal static class ModbusReadOutput
{
    public static string Text(ModbusReadRequest request, ushort[] registers, bool[] bits)
    {
        var text = new StringBuilder();
        if (request.Function is 1 or 2)
        {
            for (var i = 0; i < bits.Length; i++)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{request.Address + i,6}  {(bits[i] ? 1 : 0)}");
            }
        }
        else if (request.Type == PointType.String)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{request.Address,6}  \"{RegisterDecoder.DecodeString(registers, request.Order)}\"");
        }
        else
        {
            var width = RegisterDecoder.RegisterCount(request.Type);
            for (var i = 0; i < registers.Length; i += width)
            {
                var raw = string.Join(' ', registers.Skip(i).Take(width).Select(r => r.ToString("X4", CultureInfo.InvariantCulture)));
                var value = RegisterDecoder.Decode(registers.AsSpan(i, width), request.Type, request.Order);
                text.AppendLine(CultureInfo.InvariantCulture, $"{request.Address + i,6}  {raw,-19}  {value.ToString("R", CultureInfo.InvariantCulture)}");
            }
        }

        return text.ToString().TrimEnd();
    }

    public static string Json(string endpoint, ModbusReadRequest request, ushort[] registers, bool[] bits) => JsonText.Write(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("endpoint", endpoint);
        writer.WriteNumber("unit", request.Unit);
        writer.WriteNumber("function", request.Function);
        writer.WriteNumber("address", request.Address);
        if (request.Function is 1 or 2)
        {
            writer.WriteStartArray("bits");
            foreach (var bit in bits)
            {
                writer.WriteBooleanValue(bit);
            }

            writer.WriteEndArray();
        }
        else
        {
            writer.WriteString("type", PointTypeNames.Format(request.Type, request.Type == PointType.String ? registers.Length : 0));
            writer.WriteString("order", request.Order.ToString());
            writer.WriteStartArray("registers");
            foreach (var register in registers)
            {
                writer.WriteNumberValue(register);
            }

            writer.WriteEndArray();
            WriteValues(writer, request, registers);
        }

        writer.WriteEndObject();
    });

    private static void WriteValues(Utf8JsonWriter writer, ModbusReadRequest request, ushort[] registers)
    {
        writer.WriteStartArray("values");
        if (request.Type == PointType.String)
        {
            writer.WriteStringValue(RegisterDecoder.DecodeString(registers, request.Order));
        }
        else
        {
            var width = RegisterDecoder.RegisterCount(request.Type);
            for (var i = 0; i < registers.Length; i += width)
            {
                var value = RegisterDecoder.Decode(registers.AsSpan(i, width), request.Type, request.Order);
                if (double.IsFinite(value))
                {
                    writer.WriteNumberValue(value);
                }
                else
                {
                    writer.WriteNullValue();
                }
            }
        }

        writer.WriteEndArray();
    }
}
