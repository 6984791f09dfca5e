using Loos.Edge.Modbus.Points;

namespace Loos.Edge.Verbs.Modbus;

/// <summary>What <c>modbus read</c> asks for: which unit, function and addresses, how to decode them, and how many times.</summary>
internal sealed record ModbusReadRequest(
    byte Unit, ushort Address, byte Function, int RegisterCount, int BitCount, PointType Type, WordOrder Order, int Repeat);
