// Every verb builds System.CommandLine options and formats numbers for a technician's terminal.
global using System.CommandLine;
global using System.Globalization;
