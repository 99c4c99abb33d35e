import "../styles/base.css";
import "../styles/main.css";
import { mount } from "../main/tabs";

mount(document.body);
