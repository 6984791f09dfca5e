using System.IO.Ports;
using Microsoft.Extensions.Logging;

namespace Loos.Edge.Modbus.Polling;

/// <summary>Opens the Modbus masters a polled bus uses: one per allowed concurrent request.</summary>
public interface IModbusClientFactory
{
    /// <summary>A new master for <paramref name="bus"/>; the poller disposes it.</summary>
    /// <exception cref="ArgumentException">The bus options cannot make a master.</exception>
    IModbusClient Create(ModbusBusOptions bus);
}

/// <summary>Creates the real masters through <see cref="ModbusClient"/>.</summary>
internal sealed class ModbusClientFactory(ILoggerFactory loggerFactory, TimeProvider timeProvider) : IModbusClientFactory
{
    public IModbusClient Create(ModbusBusOptions bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var logger = loggerFactory.CreateLogger("Loos.Edge.Modbus.Bus." + bus.Name);

        // The bus arbiter keeps the quiet time across all connections of the bus, so the masters keep none of their own.
        return bus.Kind switch
        {
            "rtu" => ModbusClient.CreateRtu(
                new ModbusSerialOptions
                {
                    DevicePath = bus.Device ?? string.Empty,
                    BaudRate = bus.Baud,
                    Parity = bus.Parity switch { "N" => Parity.None, "O" => Parity.Odd, _ => Parity.Even },
                    StopBits = bus.StopBits == 2 ? StopBits.Two : StopBits.One,
                    ResponseTimeout = bus.ResponseTimeout,
                    ToggleRtsForDirection = bus.Rs485DirectionControl,
                },
                logger,
                timeProvider),
            "rtu-over-tcp" => ModbusClient.CreateRtuOverTcp(
                new ModbusRtuOverTcpOptions { Host = bus.Host ?? string.Empty, Port = bus.Port, BaudRate = bus.Baud, ResponseTimeout = bus.ResponseTimeout },
                logger,
                timeProvider),
            _ => ModbusClient.CreateTcp(
                new ModbusTcpOptions { Host = bus.Host ?? string.Empty, Port = bus.Port, ResponseTimeout = bus.ResponseTimeout },
                logger,
                timeProvider),
        };
    }
}
