global using Dotcat.Model;
global using Shouldly;
global using Xunit;
