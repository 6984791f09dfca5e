using Loos.Edge.Verbs;

return await LoosEdgeCommand.InvokeAsync(args);
